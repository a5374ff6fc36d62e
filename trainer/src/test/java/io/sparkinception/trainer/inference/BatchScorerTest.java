package io.sparkinception.trainer.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class BatchScorerTest {
    private static final List<float[]> EXAMPLES = List.of(TinyNetwork.example(1), TinyNetwork.example(2),
            TinyNetwork.example(3));

    private static ScorerSettings settings(int batchSize, CropReduction reduction) {
        return new ScorerSettings(TinyNetwork.CHANNELS, TinyNetwork.SIZE, batchSize, 0, reduction, true);
    }

    /** One crop through the network alone. */
    private static double[] alone(ComputationGraph g, float[] chw) {
        return Combiner.toDouble(g.output(false, Nd4j.create(chw, new long[] {1, TinyNetwork.CHANNELS, TinyNetwork.SIZE,
                TinyNetwork.SIZE}))[0].toFloatVector());
    }

    @Test
    void eachExampleIsItsCropsThroughTheNetworkCombinedWhateverTheBatching() {
        ComputationGraph g = TinyNetwork.build(7);
        for (CropReduction reduction : CropReduction.values()) {
            ScorerSettings s = settings(3, reduction);
            double[][] scored = BatchScorer.member(g, EXAMPLES, CropPolicy.TEN, s);
            double[][] oneByOne = BatchScorer.member(g, EXAMPLES, CropPolicy.TEN, settings(1, reduction));
            for (int e = 0; e < EXAMPLES.size(); e++) {
                List<Crop> crops = s.crops(CropPolicy.TEN, EXAMPLES.get(e));
                assertEquals(10, crops.size());
                double[][] each = crops.stream().map(c -> alone(g, c.chw())).toArray(double[][]::new);
                double[] weights = crops.stream().mapToDouble(Crop::weight).toArray();
                assertArrayEquals(Combiner.overCrops(each, weights, reduction), scored[e], 1e-6, reduction + " " + e);
                assertArrayEquals(oneByOne[e], scored[e], 1e-6);
            }
        }
    }

    @Test
    void theStoredCropIsTheStoredImageAndMembersAreAveraged() {
        ComputationGraph a = TinyNetwork.build(7);
        ComputationGraph b = TinyNetwork.build(8);
        ScorerSettings s = ScorerSettings.storedCrop(TinyNetwork.CHANNELS, TinyNetwork.SIZE, 2);
        double[][][] perMember = BatchScorer.perMember(List.of(a, b), EXAMPLES, CropPolicy.CENTER, s);
        double[][] ensemble = BatchScorer.score(List.of(a, b), EXAMPLES, CropPolicy.CENTER, s);
        for (int e = 0; e < EXAMPLES.size(); e++) {
            assertArrayEquals(alone(a, EXAMPLES.get(e)), perMember[0][e], 1e-7);
            assertArrayEquals(alone(b, EXAMPLES.get(e)), perMember[1][e], 1e-7);
            assertArrayEquals(Combiner.overMembers(new double[][] {perMember[0][e], perMember[1][e]}), ensemble[e]);
            assertFalse(Arrays.equals(perMember[0][e], perMember[1][e]), "two different members");
        }
    }

    @Test
    void aDivergedMembersOutputIsPassedOnNotCombined() {
        ComputationGraph bad = TinyNetwork.build(7);
        float[] nan = new float[(int) bad.numParams()];
        Arrays.fill(nan, Float.NaN);
        bad.setParams(Nd4j.create(nan, bad.params().shape()));
        ScorerSettings s = settings(4, CropReduction.MEAN);
        List<ComputationGraph> members = new ArrayList<>(List.of(TinyNetwork.build(8), bad));
        double[][] scored = BatchScorer.score(members, EXAMPLES, CropPolicy.TEN, s);
        for (double[] p : scored) {
            assertFalse(ExampleScore.of(p, 0).valid(), Arrays.toString(p));
        }
    }
}
