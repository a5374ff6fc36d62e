package io.sparkinception.trainer.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;

/** The papers' recipes as data, turned into DL4J updaters and schedules. */
class TrainingRecipeTest {

    @Test
    void namedRecipesAndRejection() {
        assertEquals(List.of("sgd-momentum", "rmsprop", "adam"), TrainingRecipe.names());
        assertSame(TrainingRecipe.RMSPROP, TrainingRecipe.of("RMSProp"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainingRecipe.of("lamb"));
        assertEquals("unknown training recipe 'lamb'; known: sgd-momentum, rmsprop, adam", e.getMessage());
    }

    @Test
    void googLeNetDecreasesTheRateByFourPercentEveryEightEpochs() {
        Nesterovs u = assertInstanceOf(Nesterovs.class, TrainingRecipe.SGD_MOMENTUM.updater());
        assertEquals(0.9, u.getMomentum());
        assertEquals(0.01, u.getLearningRate(0, 0), 1e-15);
        assertEquals(0.01, u.getLearningRate(12345, 7), 1e-15);
        assertEquals(0.0096, u.getLearningRate(0, 8), 1e-15);
        assertEquals(0.01 * 0.96 * 0.96, u.getLearningRate(0, 16), 1e-15);
    }

    @Test
    void rmspropRecipeIsInceptionV3s() {
        TrainingRecipe r = TrainingRecipe.RMSPROP;
        assertEquals(2.0, r.gradientClipL2());
        assertEquals(0.1, r.labelSmoothing());
        RmsProp perEpoch = assertInstanceOf(RmsProp.class, r.updater());
        assertEquals(0.9, perEpoch.getRmsDecay());
        assertEquals(1.0, perEpoch.getEpsilon());
        assertEquals(0.045, perEpoch.getLearningRate(0, 1), 1e-15);
        assertEquals(0.045 * 0.94, perEpoch.getLearningRate(0, 2), 1e-15);
        assertEquals(0.045 * 0.94 * 0.94, perEpoch.getLearningRate(0, 5), 1e-15);
        IUpdater perIteration = r.updater(100);
        assertEquals(0.045, perIteration.getLearningRate(199, 0), 1e-15);
        assertEquals(0.045 * 0.94, perIteration.getLearningRate(200, 0), 1e-15);
        assertEquals(0.045 * 0.94, r.learningRate().atEpoch(3), 1e-15);
    }

    @Test
    void adamIsConstant() {
        Adam adam = assertInstanceOf(Adam.class, TrainingRecipe.ADAM.updater());
        assertEquals(0.001, adam.getLearningRate(100000, 50));
        assertNull(adam.getLearningRateSchedule());
    }

    @Test
    void theGraphCarriesTheRecipesUpdaterAndClipping() {
        ZooGraph zoo = InceptionZoo.configure(ZooTestSupport.tiny(ModelFamily.INCEPTION_V3));
        BaseLayer conv = (BaseLayer) ((LayerVertex) zoo.configuration().getVertices().get("Conv2d_1a_3x3/Conv2D"))
                .getLayerConf().getLayer();
        assertEquals(TrainingRecipe.RMSPROP.updater(), conv.getIUpdater());
        assertEquals(GradientNormalization.ClipL2PerLayer, conv.getGradientNormalization());
        assertEquals(2.0, conv.getGradientNormalizationThreshold());

        ZooGraph adam = InceptionZoo.configure(ZooTestSupport.tiny(ModelFamily.INCEPTION_V3).withRecipe(TrainingRecipe.ADAM));
        BaseLayer adamConv = (BaseLayer) ((LayerVertex) adam.configuration().getVertices().get("Conv2d_1a_3x3/Conv2D"))
                .getLayerConf().getLayer();
        assertEquals(GradientNormalization.None, adamConv.getGradientNormalization());
    }

    @Test
    void rejectsBadNumbers() {
        assertEquals("learning-rate decayFactor must be in (0, 1] (1: constant), got 1.5",
                assertThrows(IllegalArgumentException.class, () -> new TrainingRecipe.LearningRate(0.1, 1.5, 2)).getMessage());
        assertEquals("labelSmoothing must be in [0, 1), got 1.0",
                assertThrows(IllegalArgumentException.class, () -> TrainingRecipe.ADAM.withLabelSmoothing(1.0)).getMessage());
        assertEquals("iterationsPerEpoch must be positive, got 0",
                assertThrows(IllegalArgumentException.class, () -> TrainingRecipe.ADAM.updater(0)).getMessage());
    }
}
