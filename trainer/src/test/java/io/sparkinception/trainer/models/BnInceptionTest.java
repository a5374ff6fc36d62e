package io.sparkinception.trainer.models;

import static io.sparkinception.trainer.models.ZooTestSupport.endpointShapes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Structure of {@code bn-inception}: GoogLeNet with every 5x5 as two 3x3, batch norm everywhere. */
class BnInceptionTest {

    private static final ModelSpec PAPER_SIZE = ModelSpec.defaults(ModelFamily.BN_INCEPTION, 1000);

    @Test
    void sameEndpointsAndShapesAsGoogLeNet() {
        ModelSpec googlenet = ModelSpec.defaults(ModelFamily.GOOGLENET, 1000);
        assertEquals(endpointShapes(googlenet), endpointShapes(PAPER_SIZE));
        assertEquals(endpointShapes(googlenet.withInputSize(75)), endpointShapes(PAPER_SIZE.withInputSize(75)));
    }

    @Test
    void thirdBranchIsTwoStackedThreeByThreeConvolutions() {
        Map<String, ?> vertices = InceptionZoo.configure(PAPER_SIZE).configuration().getVertices();
        assertTrue(vertices.containsKey("Mixed_3b/Branch_2/Conv2d_0b_3x3"));
        assertTrue(vertices.containsKey("Mixed_3b/Branch_2/Conv2d_0c_3x3"));
        assertFalse(vertices.keySet().stream().anyMatch(n -> n.contains("5x5") && n.contains("Branch_2")));
        assertEquals(java.util.List.of("Mixed_3b/Branch_2/Conv2d_0b_3x3"), InceptionZoo.configure(PAPER_SIZE)
                .configuration().getVertexInputs().get("Mixed_3b/Branch_2/Conv2d_0c_3x3/Conv2D"));
    }

    @Test
    void parameterCountFollowsFromGoogLeNetsByTheFactorization() {
        // No published count exists for this definition (see BnInception); it is derived from googlenet's 7,005,832:
        // each 5x5 (r -> o) becomes 3x3 (r -> o) + 3x3 (o -> o) + one more BN (gamma, beta per channel).
        int[][] reduceAndOut = {{16, 32}, {32, 96}, {16, 48}, {24, 64}, {24, 64}, {32, 64}, {32, 128}, {32, 128}, {48, 128}};
        long delta = 0;
        for (int[] m : reduceAndOut) {
            delta += -25L * m[0] * m[1] + 9L * m[0] * m[1] + 9L * m[1] * m[1] + 2L * m[1];
        }
        long trainable = ModelReports.countParameters(InceptionZoo.configure(PAPER_SIZE.withAuxHeads(false))
                .configuration()).trainable();
        assertEquals(7_005_832 + delta, trainable);
        assertEquals(7_292_264, trainable);
    }

    @Test
    void batchNormCannotBeSwitchedOff() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PAPER_SIZE.withBatchNorm(false));
        assertTrue(e.getMessage().contains("only for googlenet"), e.getMessage());
    }
}
