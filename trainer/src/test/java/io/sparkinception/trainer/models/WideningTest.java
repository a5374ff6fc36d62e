package io.sparkinception.trainer.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** A narrow trained GoogLeNet copied into a wider one computes the same outputs, auxiliary heads included. */
class WideningTest {
    private static final ModelSpec NARROW = ModelSpec.defaults(ModelFamily.GOOGLENET, 5).withInputSize(32)
            .withWidth(0.25, 8);

    private static ComputationGraph build(ModelSpec spec, long seed) {
        return InceptionZoo.configure(spec.withSeed(seed)).init();
    }

    /** A narrow network whose batch-norm statistics and betas are not the fresh ones, so the copy must carry them. */
    private static ComputationGraph trainedLooking(long seed) {
        ComputationGraph g = build(NARROW, seed);
        Nd4j.getRandom().setSeed(seed);
        for (Map.Entry<String, INDArray> e : g.paramTable().entrySet()) {
            String n = e.getKey();
            if (n.endsWith("_mean") || n.endsWith("_beta")) {
                e.getValue().addi(Nd4j.rand(e.getValue().dataType(), e.getValue().shape()).subi(0.5).muli(0.4));
            } else if (n.endsWith("_var") || n.endsWith("_gamma")) {
                e.getValue().muli(Nd4j.rand(e.getValue().dataType(), e.getValue().shape()).addi(0.5));
            }
        }
        return g;
    }

    private static INDArray input(int seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(org.nd4j.linalg.api.buffer.DataType.FLOAT, 4, 3, 32, 32);
    }

    @Test
    void theWiderNetworkComputesTheNarrowOnesOutputsEveryHead() {
        ComputationGraph narrow = trainedLooking(1);
        ComputationGraph wide = build(NARROW.withWidth(0.375, 8), 2);
        assertTrue(wide.numParams() > narrow.numParams() * 1.5, wide.numParams() + " vs " + narrow.numParams());
        INDArray x = input(7);
        INDArray[] before = wide.output(false, x);
        Widening.copy(narrow, wide);
        INDArray[] want = narrow.output(false, x);
        INDArray[] got = wide.output(false, x);
        assertEquals(want.length, got.length);
        assertTrue(want.length >= 3, "main classifier and two auxiliary heads: " + want.length);
        for (int i = 0; i < want.length; i++) {
            assertArrayEquals(vec(want[i]), vec(got[i]), 2e-5f, "output " + i);
            assertFalse(java.util.Arrays.equals(vec(before[i]), vec(got[i])));
        }
        // In training mode too (batch statistics per channel), without dropout (its masks are random): the same outputs.
        ComputationGraph narrowNoDrop = build(NARROW.withDropout(0, 0), 1);
        narrowNoDrop.setParams(narrow.params());
        ComputationGraph wideNoDrop = build(NARROW.withWidth(0.375, 8).withDropout(0, 0), 2);
        Widening.copy(narrowNoDrop, wideNoDrop);
        INDArray[] wantTrain = narrowNoDrop.output(true, x);
        INDArray[] gotTrain = wideNoDrop.output(true, x);
        for (int i = 0; i < wantTrain.length; i++) {
            assertArrayEquals(vec(wantTrain[i]), vec(gotTrain[i]), 2e-5f, "training output " + i);
        }
    }

    @Test
    void theExtraChannelsLearnAfterTheCopy() {
        ComputationGraph narrow = trainedLooking(3);
        ComputationGraph wide = build(NARROW.withWidth(0.375, 8), 4);
        Widening.copy(narrow, wide);
        INDArray x = input(9);
        INDArray labels = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, 4, 5);
        for (int i = 0; i < 4; i++) {
            labels.putScalar(i, i % 5, 1);
        }
        float[] start = wide.params().toFloatVector();
        wide.fit(InceptionZoo.withLabelsForEveryOutput(wide, x, labels));
        float[] after = wide.params().toFloatVector();
        assertNotEquals(0, countChanged(start, after));
        for (float v : after) {
            assertTrue(Float.isFinite(v));
        }
    }

    private static float[] vec(INDArray a) {
        return a.dup('c').data().asFloat();
    }

    private static int countChanged(float[] a, float[] b) {
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            n += a[i] != b[i] ? 1 : 0;
        }
        return n;
    }

    @Test
    void aNarrowerTargetOrOtherClassesAreRefused() {
        ComputationGraph narrow = build(NARROW, 1);
        ComputationGraph wide = build(NARROW.withWidth(0.375, 8), 2);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Widening.copy(wide, narrow)).getMessage()
                .contains("cannot be widened"));
        ComputationGraph otherClasses = build(ModelSpec.defaults(ModelFamily.GOOGLENET, 6).withInputSize(32)
                .withWidth(0.375, 8), 2);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Widening.copy(narrow, otherClasses)).getMessage()
                .contains("classes"));
    }
}
