package io.sparkinception.trainer.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Hand-computed combinations over crops and members; ties; precise errors. */
class CombinerTest {
    private static final double EPS = 1e-12;

    @Test
    void weightedMeanOverCrops() {
        double[][] crops = {{0.2, 0.8}, {0.6, 0.4}};
        // (1*0.2 + 3*0.6)/4 = 0.5, (1*0.8 + 3*0.4)/4 = 0.5
        assertArrayEquals(new double[] {0.5, 0.5}, Combiner.overCrops(crops, new double[] {1, 3}, CropReduction.MEAN), EPS);
        assertArrayEquals(new double[] {0.4, 0.6}, Combiner.overCrops(crops, CropReduction.MEAN), EPS);
    }

    @Test
    void maxOverCropsIsRenormalized() {
        double[][] crops = {{0.7, 0.2, 0.1}, {0.1, 0.5, 0.4}};
        // class-wise max (0.7, 0.5, 0.4), sum 1.6
        assertArrayEquals(new double[] {0.4375, 0.3125, 0.25}, Combiner.overCrops(crops, CropReduction.MAX), EPS);
        // weights do not change the max
        assertArrayEquals(new double[] {0.4375, 0.3125, 0.25},
                Combiner.overCrops(crops, new double[] {5, 1}, CropReduction.MAX), EPS);
    }

    @Test
    void meanAndMaxCanDisagree() {
        // One confident crop against two moderately sure ones: the max follows the confident crop.
        double[][] crops = {{0.9, 0.1, 0.0}, {0.0, 0.6, 0.4}, {0.0, 0.6, 0.4}};
        double[] mean = Combiner.overCrops(crops, CropReduction.MEAN);
        assertArrayEquals(new double[] {0.3, 1.3 / 3, 0.8 / 3}, mean, EPS);
        assertEquals(1, Combiner.argmax(mean));
        assertEquals(0, Combiner.argmax(Combiner.overCrops(crops, CropReduction.MAX)));
    }

    @Test
    void membersAreAveragedAfterTheirCrops() {
        double[][][] probs = {
                {{0.2, 0.8}, {0.6, 0.4}},   // member 0: weights 1, 3 -> (0.5, 0.5)
                {{1.0, 0.0}, {0.0, 1.0}},   // member 1: weights 1, 3 -> (0.25, 0.75)
        };
        assertArrayEquals(new double[] {0.375, 0.625}, Combiner.combine(probs, new double[] {1, 3}, CropReduction.MEAN), EPS);
        // max: member 0 -> (0.6, 0.8)/1.4, member 1 -> (0.5, 0.5)
        double[] max = Combiner.combine(probs, new double[] {1, 3}, CropReduction.MAX);
        assertArrayEquals(new double[] {(0.6 / 1.4 + 0.5) / 2, (0.8 / 1.4 + 0.5) / 2}, max, EPS);
        assertArrayEquals(new double[] {0.4, 0.6}, Combiner.overMembers(new double[][] {{0.2, 0.8}, {0.6, 0.4}}), EPS);
    }

    @Test
    void cropWeightsComeFromTheCrops() {
        List<Crop> crops = List.of(
                new Crop(new CropWindow(9, 9, 9, 0, 0, 0, CropWindow.Position.TOP_LEFT, 0, 0, 8, false, 3), new float[0]),
                new Crop(new CropWindow(9, 9, 9, 0, 0, 0, CropWindow.Position.TOP_LEFT, 0, 0, 8, true, 1), new float[0]));
        double[][][] probs = {{{0.2, 0.8}, {0.6, 0.4}}};
        // (3*0.2 + 0.6)/4 = 0.3
        assertArrayEquals(new double[] {0.3, 0.7}, Combiner.combine(probs, crops, CropReduction.MEAN), EPS);
    }

    @Test
    void tiesGoToTheLowestClassIndex() {
        assertEquals(0, Combiner.argmax(new double[] {0.4, 0.2, 0.4}));
        assertEquals(1, Combiner.argmax(new double[] {0.1, 0.45, 0.45}));
        assertEquals(2, Combiner.argmax(new double[] {0.3, 0.3, 0.4}));
        double[] p = {0.25, 0.25, 0.25, 0.25};
        assertEquals(0, Combiner.rank(p, 0));
        assertEquals(3, Combiner.rank(p, 3));
        assertEquals(1, Combiner.rank(new double[] {0.1, 0.5, 0.1, 0.3}, 3));
        assertEquals(2, Combiner.rank(new double[] {0.1, 0.5, 0.1, 0.3}, 0));
        assertEquals(3, Combiner.rank(new double[] {0.1, 0.5, 0.1, 0.3}, 2));
    }

    @Test
    void rejectsMismatchesAndBadValuesPrecisely() {
        assertMessage("member 1 has 3 classes but member 0 has 2", () -> Combiner.combine(
                new double[][][] {{{0.5, 0.5}}, {{0.2, 0.3, 0.5}}}, new double[] {1}, CropReduction.MEAN));
        assertMessage("member 1 has 1 crops, expected 2", () -> Combiner.combine(
                new double[][][] {{{0.5, 0.5}, {0.5, 0.5}}, {{0.5, 0.5}}}, new double[] {1, 1}, CropReduction.MEAN));
        assertMessage("member 0: crop 1 has 3 classes but crop 0 has 2", () -> Combiner.combine(
                new double[][][] {{{0.5, 0.5}, {0.2, 0.3, 0.5}}}, new double[] {1, 1}, CropReduction.MEAN));
        assertMessage("no members to combine", () -> Combiner.combine(new double[0][][], new double[0], CropReduction.MEAN));
        assertMessage("no crops to combine for the member", () -> Combiner.overCrops(new double[0][], CropReduction.MEAN));
        assertMessage("no members to combine for the ensemble", () -> Combiner.overMembers(new double[0][]));
        assertMessage("crop 0 has no class probabilities", () -> Combiner.overCrops(new double[][] {{}}, CropReduction.MEAN));
        assertMessage("crop 1: probability of class 1 is NaN",
                () -> Combiner.overCrops(new double[][] {{0.5, 0.5}, {0.5, Double.NaN}}, CropReduction.MEAN));
        assertMessage("member 0: probability of class 0 is -0.1, expected a finite non-negative value",
                () -> Combiner.overMembers(new double[][] {{-0.1, 1.1}}));
        assertMessage("2 crops but 1 weights",
                () -> Combiner.overCrops(new double[][] {{0.5, 0.5}, {0.5, 0.5}}, new double[] {1}, CropReduction.MEAN));
        assertMessage("crop weight 1 must be positive and finite, got NaN", () -> Combiner.overCrops(
                new double[][] {{0.5, 0.5}, {0.5, 0.5}}, new double[] {1, Double.NaN}, CropReduction.MEAN));
        assertMessage("argmax of an empty vector", () -> Combiner.argmax(new double[0]));
    }

    @Test
    void floatOutputsConvert() {
        assertArrayEquals(new double[] {0.5, 0.25}, Combiner.toDouble(new float[] {0.5f, 0.25f}), 0);
        assertArrayEquals(new double[] {0.75}, Combiner.toDouble(new float[][] {{0.75f}})[0], 0);
    }

    @Test
    void membersAreWeightedAndEqualWeightsAreTheEqualAverageBitForBit() {
        double[][] members = {{0.2, 0.8}, {0.6, 0.4}};
        // 0.75 x (0.2, 0.8) + 0.25 x (0.6, 0.4) = (0.3, 0.7); unnormalized weights (3, 1) give the same.
        assertArrayEquals(new double[] {0.3, 0.7}, Combiner.overMembers(members, new double[] {0.75, 0.25}), EPS);
        assertArrayEquals(new double[] {0.3, 0.7}, Combiner.overMembers(members, new double[] {3, 1}), EPS);
        assertArrayEquals(new double[] {0.6, 0.4}, Combiner.overMembers(members, new double[] {0, 1}), EPS);
        double[][] three = {{0.1, 0.2, 0.7}, {0.3, 0.3, 0.4}, {0.05, 0.9, 0.05}};
        assertArrayEquals(Combiner.overMembers(three), Combiner.overMembers(three, Combiner.uniform(3)));
        assertMessage("2 members but 3 member weights", () -> Combiner.overMembers(members, new double[] {1, 1, 1}));
        assertMessage("member weights must not all be 0", () -> Combiner.overMembers(members, new double[] {0, 0}));
        assertMessage("member weight 1 must be finite and >= 0, got -1.0",
                () -> Combiner.overMembers(members, new double[] {1, -1}));
    }

    static void assertMessage(String expected, Executable call) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, call).getMessage());
    }
}
