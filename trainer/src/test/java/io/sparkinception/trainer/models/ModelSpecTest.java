package io.sparkinception.trainer.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The spec fills in the papers' defaults, scales widths as documented and rejects bad knobs precisely. */
class ModelSpecTest {

    private static final ModelSpec V3 = ModelSpec.defaults(ModelFamily.INCEPTION_V3, 51);

    @Test
    void defaultsAreThePapers() {
        assertEquals(299, V3.inputSize());
        assertEquals(3, V3.inputChannels());
        assertEquals(1.0, V3.widthMultiplier());
        assertEquals(16, V3.minFilters());
        assertEquals(true, V3.auxHeads());
        assertEquals(0.4, V3.auxLossWeight());
        assertEquals(0.2, V3.dropout());
        assertEquals(TrainingRecipe.RMSPROP, V3.recipe());
        assertEquals(LayerDefaults.STANDARD, V3.layerDefaults());
        ModelSpec g = ModelSpec.defaults(ModelFamily.GOOGLENET, 51);
        assertEquals(224, g.inputSize());
        assertEquals(0.3, g.auxLossWeight());
        assertEquals(0.4, g.dropout());
        assertEquals(0.7, g.auxDropout());
        assertEquals(TrainingRecipe.SGD_MOMENTUM, g.recipe());
    }

    @Test
    void widthMultiplierScalesWithAFloorThatNeverExceedsThePaper() {
        ModelSpec quarter = V3.withWidth(0.25, 16);
        assertEquals(96, quarter.filters(384));
        assertEquals(16, quarter.filters(48)); // floor(12) raised to the floor
        assertEquals(16, quarter.filters(16));
        assertEquals(8, V3.withWidth(0.25, 16).filters(8)); // a layer narrower than the floor keeps its paper width
        assertEquals(384, V3.filters(384));
        assertEquals(576, V3.withWidthMultiplier(1.5).filters(384));
        assertEquals(4, V3.withWidth(0.1, 1).filters(48)); // floor(4.8), above the floor of 1
    }

    @Test
    void rejectsBadKnobsWithPreciseMessages() {
        assertMessage("numClasses must be at least 2 (a softmax over one class is constant), got 1", () -> V3.withNumClasses(1));
        assertMessage("inputSize 60 is below inception-v3's minimum of 75 px (default 299)", () -> V3.withInputSize(60));
        assertMessage("inputChannels must be at least 1, got 0", () -> V3.withInputChannels(0));
        assertMessage("widthMultiplier must be in (0, 4.0], got 0.0", () -> V3.withWidthMultiplier(0));
        assertMessage("minFilters must be at least 1, got 0", () -> V3.withWidth(0.5, 0));
        assertMessage("dropout is a drop probability in [0, 1), got 1.0", () -> V3.withDropout(1.0, 0));
        assertMessage("auxDropout is a drop probability in [0, 1), got -0.1", () -> V3.withDropout(0.2, -0.1));
        assertMessage("auxLossWeight must be a finite number >= 0, got NaN", () -> V3.withAuxLossWeight(Double.NaN));
        assertMessage("batchNorm=false (the original GoogLeNet with local response normalization) exists only for"
                + " googlenet; inception-v3 is defined with batch normalization", () -> V3.withBatchNorm(false));
        assertMessage("family is required; known: googlenet, bn-inception, inception-v3, inception-v4, inception-resnet-v2",
                () -> ModelSpec.defaults(null, 3));
        assertMessage("a layer needs at least one filter, got 0", () -> V3.filters(0));
    }

    private static void assertMessage(String expected, Supplier<?> action) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, action::get).getMessage());
    }
}
