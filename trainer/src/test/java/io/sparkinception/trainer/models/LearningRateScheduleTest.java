package io.sparkinception.trainer.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.trainer.models.TrainingRecipe.LearningRate;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.StepSchedule;

class LearningRateScheduleTest {
    private static final double EPS = 1e-15;

    @Test
    void linearWarmUpRampsFromTheFirstStepToThePeak() {
        LearningRate lr = new LearningRate(0.1, new Decay.Step(1.0, 1), 2);
        // 10 steps per epoch: step i covers epoch i/10, and the ramp reaches (i + 1) / 20 of the peak.
        assertEquals(0.1 * 1 / 20, lr.at(0, 0.1), EPS);
        assertEquals(0.1 * 10 / 20, lr.at(0.9, 0.1), EPS);
        assertEquals(0.1, lr.at(1.9, 0.1), EPS);
        assertEquals(0.1, lr.at(7, 0.1), EPS);
    }

    @Test
    void cosineDecaysFromTheEndOfTheWarmUpToItsFinalFraction() {
        LearningRate lr = new LearningRate(0.2, new Decay.Cosine(11, 0.1), 1);
        assertEquals(0.2, lr.at(1, 0.5), EPS);
        assertEquals(0.2 * (0.1 + 0.9 * 0.5), lr.at(6, 0.5), EPS);     // half way through the 10 decaying epochs
        assertEquals(0.2 * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * 0.25))), lr.at(3.5, 0.5), EPS);
        assertEquals(0.02, lr.at(11, 0.5), EPS);
        assertEquals(0.02, lr.at(40, 0.5), EPS);                        // clamped after the end
    }

    @Test
    void polyAndOneCycleAtChosenPoints() {
        LearningRate poly = new LearningRate(0.4, new Decay.Poly(10, 2, 0), 0);
        assertEquals(0.4, poly.at(0, 0.1), EPS);
        assertEquals(0.4 * 0.25, poly.at(5, 0.1), EPS);
        assertEquals(0.4 * 0.01, poly.at(9, 0.1), 1e-16);
        assertEquals(0, poly.at(10, 0.1), EPS);

        LearningRate cycle = new LearningRate(1.0, Decay.OneCycle.of(10), 0);
        assertEquals(1.0 / 25, cycle.at(0, 0.1), EPS);
        assertEquals((1.0 + 1.0 / 25) / 2, cycle.at(1.5, 0.1), EPS);     // half way up
        assertEquals(1.0, cycle.at(3, 0.1), EPS);                         // the peak at 30 %
        assertEquals(1.0 / 25 / 1e4, cycle.at(10, 0.1), 1e-18);
        assertTrue(cycle.at(6, 0.1) < cycle.at(5, 0.1));
    }

    @Test
    void stepWithoutWarmUpIsStillDl4jsStepSchedule() {
        IUpdater u = TrainingRecipe.SGD_MOMENTUM.updater(50);
        assertInstanceOf(StepSchedule.class, ((Nesterovs) u).getLearningRateSchedule());
    }

    @Test
    void specRoundTripsExactlyForEveryShape() {
        for (LearningRate lr : List.of(new LearningRate(0.01, 0.96, 8),
                new LearningRate(0.045, new Decay.Cosine(30, 0.001), 1.5),
                new LearningRate(1.0 / 3, new Decay.Poly(7.25, 0.9, 0), 0.1),
                new LearningRate(0.3, new Decay.OneCycle(12, 0.25, 10, 100), 0))) {
            assertEquals(lr, LearningRate.parse(lr.spec()));
        }
    }

    @Test
    void theScheduleTravelsInTheNetworkJsonAndGivesTheSameRatesBitForBit() {
        TrainingRecipe recipe = TrainingRecipe.SGD_MOMENTUM.withLearningRate(
                new LearningRate(0.05, new Decay.Cosine(4, 0), 0.5));
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().updater(recipe.updater(7))
                .graphBuilder().addInputs("in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(3).nOut(2)
                        .activation(Activation.SOFTMAX).build(), "in")
                .setOutputs("out").build();
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
        IUpdater before = ((BaseLayer) ((LayerVertex) conf.getVertices().get("out")).getLayerConf().getLayer()).getIUpdater();
        IUpdater after = ((BaseLayer) ((LayerVertex) back.getVertices().get("out")).getLayerConf().getLayer()).getIUpdater();
        assertEquals(before, after);
        for (int i = 0; i < 40; i++) {
            // A resumed run restores the iteration count, and the rate is a pure function of it.
            assertEquals(before.getLearningRate(i, 0), after.getLearningRate(i, 0), 0.0);
            assertEquals(recipe.learningRate().at(i / 7.0, 1 / 7.0), after.getLearningRate(i, i / 7), 0.0);
        }
        assertEquals(0.05 / 7 / 0.5, after.getLearningRate(0, 0), EPS);
    }

    @Test
    void badSchedulesAreRefusedWithTheirReason() {
        assertEquals("one-cycle has its own warm-up; leave the warm-up out (got 1.0 epochs)",
                assertThrows(IllegalArgumentException.class,
                        () -> new LearningRate(0.1, Decay.OneCycle.of(5), 1)).getMessage());
        assertEquals("unknown lr-schedule 'linear'; known: step, cosine, poly, one-cycle",
                assertThrows(IllegalArgumentException.class, () -> Decay.of("linear", 5, 1, 1)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Decay.Cosine(0, 0)).getMessage()
                .contains("needs the run's length"));
        assertEquals("a cosine schedule has no step decay factor or period", assertThrows(IllegalStateException.class,
                () -> new LearningRate(0.1, new Decay.Cosine(3, 0), 0).decayFactor()).getMessage());
    }
}
