package io.sparkinception.trainer.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.trainer.kernels.Kernels;
import io.sparkinception.trainer.training.Example;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code evaluate --class-prior uniform}: outputs divided by the training prior, and scoring that applies it. */
class PriorShiftTest {

    @Test
    void factorsAreTheInverseOfTheAddOneSmoothedTrainingPrior() {
        // counts 1, 3, 0: N = 4, K = 3, pi = 2/7, 4/7, 1/7.
        PriorShift s = PriorShift.toUniform(new long[] {1, 3, 0});
        assertArrayEquals(new double[] {3.5, 1.75, 7.0}, s.factors(), 1e-12);
        assertEquals(4.0, s.spread(), 1e-12);
        // Equal outputs become the inverse prior, renormalized: 2/7 : 1/7 : 4/7 of the factors' sum 12.25.
        assertArrayEquals(new double[] {3.5 / 12.25, 1.75 / 12.25, 7.0 / 12.25},
                s.apply(new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0}), 1e-12);
    }

    @Test
    void aRareClassOvertakesACommonOneOnlyWhenTheRatioOfPriorsIsLargerThanTheRatioOfOutputs() {
        PriorShift s = PriorShift.toUniform(new long[] {99, 9});   // pi = 100/110, 10/110: factor ratio 10
        assertEquals(1, Combiner.argmax(s.apply(new double[] {0.85, 0.15})));   // 0.85 < 10 x 0.15
        assertEquals(0, Combiner.argmax(s.apply(new double[] {0.95, 0.05})));   // 0.95 > 10 x 0.05
    }

    @Test
    void aUniformTrainingPriorChangesNothingAndDivergedOutputsStayInvalid() {
        PriorShift even = PriorShift.toUniform(new long[] {5, 5, 5, 5});
        double[] p = {0.1, 0.2, 0.3, 0.4};
        assertArrayEquals(p, even.apply(p), 1e-15);
        double[] nan = {0.5, Double.NaN, 0.2, 0.3};
        assertSame(nan, even.apply(nan), "a diverged output is passed on as it is and counted wrong");
        double[] negative = {0.5, -0.1, 0.3, 0.3};
        assertSame(negative, even.apply(negative));
    }

    @Test
    void badInputsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> PriorShift.toUniform(new long[0]));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PriorShift.toUniform(new long[] {3, -1}))
                .getMessage().contains("class 1"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> PriorShift.toUniform(new long[] {1, 2}).apply(new double[] {0.2, 0.3, 0.5}))
                .getMessage().contains("3 classes"));
        assertThrows(IllegalArgumentException.class, () -> new PriorShift(new double[] {1, 0}));
    }

    /**
     * A plan with a prior shift counts each member's shifted output and averages the shifted outputs: the same numbers
     * as shifting by hand the outputs of a plan without it.
     */
    @Test
    void scoringWithAShiftCountsTheShiftedOutputsOfEveryMemberAndOfTheirAverage() {
        byte[] a = TinyNetwork.bytes(TinyNetwork.build(3));
        byte[] b = TinyNetwork.bytes(TinyNetwork.build(4));
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            examples.add(new Example(i, i % TinyNetwork.CLASSES, TinyNetwork.example(300 + i)));
        }
        PriorShift shift = PriorShift.toUniform(new long[] {200, 40, 10, 1});
        ScorerSettings s = ScorerSettings.storedCrop(TinyNetwork.CHANNELS, TinyNetwork.SIZE, 5);
        double[] weights = {1.0, 3.0};
        List<CropPolicy> policies = List.of(CropPolicy.CENTER);
        DistributedScorer.Plan asTrained = new DistributedScorer.Plan(List.of("a", "b"), policies, CropPolicy.CENTER,
                TinyNetwork.CLASSES, s, weights, 0, 0, Kernels.BUILTIN, false);
        DistributedScorer.Plan shifted = new DistributedScorer.Plan(List.of("a", "b"), policies, CropPolicy.CENTER,
                TinyNetwork.CLASSES, s, weights, 0, 0, Kernels.BUILTIN, false, shift);
        List<byte[]> models = List.of(a, b);
        List<String> keys = List.of(NetworkCache.key(a), NetworkCache.key(b));
        DistributedScorer.Outcome plain = DistributedScorer.scorePartition(examples, models, keys, asTrained);
        DistributedScorer.Outcome o = DistributedScorer.scorePartition(examples, models, keys, shifted);

        List<float[]> chw = examples.stream().map(Example::chw).toList();
        double[][][] perMember = new double[2][][];
        for (int m = 0; m < 2; m++) {
            try (NetworkCache.Lease lease = NetworkCache.borrow(keys.get(m), models.get(m), Kernels.BUILTIN)) {
                perMember[m] = shift.apply(BatchScorer.member(lease.graph(), chw, CropPolicy.CENTER, s));
            }
        }
        double[][] ensemble = BatchScorer.ensemble(perMember, weights);
        for (int m = 0; m < 2; m++) {
            MetricsAccumulator want = new MetricsAccumulator(TinyNetwork.CLASSES);
            for (int e = 0; e < examples.size(); e++) {
                want.add(perMember[m][e], examples.get(e).label());
            }
            EvaluationResult got = o.metrics().get(DistributedScorer.key(m == 0 ? "a" : "b", CropPolicy.CENTER)).result();
            assertEquals(want.result().logLoss(), got.logLoss(), 1e-12);
            assertArrayEquals(want.result().confusion(), got.confusion());
        }
        for (int e = 0; e < examples.size(); e++) {
            assertEquals(Combiner.argmax(ensemble[e]), o.predictions().get(e).predicted(), "example " + e);
            assertEquals(ensemble[e][o.predictions().get(e).predicted()], o.predictions().get(e).confidence(), 1e-12);
        }
        // The shift moved something: class 3's tiny prior lifts it.
        assertNotEquals(plain.metrics().get(DistributedScorer.key(DistributedScorer.ENSEMBLE, CropPolicy.CENTER)).result()
                .logLoss(), o.metrics().get(DistributedScorer.key(DistributedScorer.ENSEMBLE, CropPolicy.CENTER)).result()
                .logLoss());
        assertTrue(o.predictions().stream().filter(p -> p.predicted() == 3).count()
                > plain.predictions().stream().filter(p -> p.predicted() == 3).count(),
                "the rarest training class is predicted more often");
        assertThrows(IllegalArgumentException.class, () -> new DistributedScorer.Plan(List.of("a"), policies,
                CropPolicy.CENTER, TinyNetwork.CLASSES, s, new double[] {1}, 0, 0, Kernels.BUILTIN, false,
                PriorShift.toUniform(new long[] {1, 2})));
    }
}
