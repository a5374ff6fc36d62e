package io.sparkinception.trainer.training;

import static io.sparkinception.trainer.training.SettingsValidationTest.metadata;
import static io.sparkinception.trainer.training.SettingsValidationTest.train;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sparkinception.trainer.models.Decay;
import io.sparkinception.trainer.models.RateSchedule;
import io.sparkinception.trainer.models.TrainingRecipe;
import io.sparkinception.trainer.models.TrainingRecipe.LearningRate;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.StepSchedule;

/** lr-schedule and warmup-epochs: what they resolve to, what they refuse, and what reaches the workers' graph. */
class ScheduleSettingsTest {

    @Test
    void cosineWithWarmUpSpansTheRunsEpochs() {
        TrainConfig cfg = train("lr-schedule", "cosine", "warmup-epochs", "1.5", "epochs", "12", "learning-rate", "0.2");
        assertEquals(new LearningRate(0.2, new Decay.Cosine(12, 0), 1.5), cfg.resolvedRecipe().learningRate());
        // Halvings after diverged rounds scale the same schedule.
        assertEquals(new LearningRate(0.05, new Decay.Cosine(12, 0), 1.5, 40), cfg.resolvedRecipe(2, 40).learningRate());
    }

    @Test
    void withoutAScheduleTheRecipesStepDecayTakesTheDecayKeys() {
        TrainConfig cfg = train("recipe", "rmsprop", "lr-decay-factor", "0.5");
        assertEquals(new LearningRate(0.045, 0.5, 2), cfg.resolvedRecipe().learningRate());
        assertEquals(TrainingRecipe.RMSPROP.learningRate(), train("recipe", "rmsprop").resolvedRecipe().learningRate());
    }

    @Test
    void refusesWhatCannotWorkInTheFlagsWords() {
        assertEquals("unknown lr-schedule 'linear'; known: step, cosine, poly, one-cycle",
                assertThrows(IllegalArgumentException.class, () -> train("lr-schedule", "linear")).getMessage());
        assertEquals("--lr-schedule one-cycle has its own warm-up: omit --warmup-epochs", assertThrows(
                IllegalArgumentException.class, () -> train("lr-schedule", "one-cycle", "warmup-epochs", "1")).getMessage());
        assertEquals("--lr-decay-factor and --lr-decay-epochs belong to --lr-schedule step, not cosine", assertThrows(
                IllegalArgumentException.class, () -> train("lr-schedule", "cosine", "lr-decay-factor", "0.9")).getMessage());
        assertEquals("--warmup-epochs must be >= 0 (omit it for none), got -1",
                assertThrows(IllegalArgumentException.class, () -> train("warmup-epochs", "-1")).getMessage());
    }

    @Test
    void theWorkersGraphCarriesAPerStepScheduleAndTheDefaultIsUnchanged() {
        TrainConfig cosine = train("lr-schedule", "one-cycle", "epochs", "3", "family", "googlenet", "width", "0.25");
        IUpdater u = updater(DistributedTrainer.model(cosine, metadata(32, 4, 100), 0, 25).configuration());
        RateSchedule s = assertInstanceOf(RateSchedule.class, schedule(u));
        assertEquals(25, s.getIterationsPerEpoch());
        LearningRate lr = cosine.resolvedRecipe().learningRate();
        for (int i = 0; i < 75; i += 7) {
            assertEquals(lr.at(i / 25.0, 1 / 25.0), u.getLearningRate(i, i / 25), 0.0);
        }
        TrainConfig plain = train("recipe", "sgd-momentum", "family", "googlenet", "width", "0.25");
        IUpdater p = updater(DistributedTrainer.model(plain, metadata(32, 4, 100), 0, 25).configuration());
        assertInstanceOf(StepSchedule.class, schedule(p));
    }

    static ISchedule schedule(IUpdater u) {
        if (u instanceof Adam a) {
            return a.getLearningRateSchedule();
        }
        if (u instanceof Nesterovs n) {
            return n.getLearningRateSchedule();
        }
        throw new AssertionError("unexpected updater " + u);
    }

    /** The updater of the first trainable layer, read back from the configuration's JSON (what workers build). */
    static IUpdater updater(ComputationGraphConfiguration conf) {
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
        for (var v : back.getVertices().values()) {
            if (v instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof BaseLayer b && b.getIUpdater() != null) {
                return b.getIUpdater();
            }
        }
        throw new AssertionError("no layer with an updater");
    }
}
