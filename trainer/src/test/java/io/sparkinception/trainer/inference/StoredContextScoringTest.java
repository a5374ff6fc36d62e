package io.sparkinception.trainer.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.sparkinception.trainer.kernels.Kernels;
import io.sparkinception.trainer.training.Example;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code evaluate}'s scoring of a model whose input (48) is smaller than the stored crops (56): the 1-crop policy
 * is the center 48 x 48 window of each stored image, cut out by hand here and scored through the same
 * {@link BatchScorer} as a model whose input is the stored size.
 */
class StoredContextScoringTest {
    private static final int STORED = 56;
    private static final int INPUT = 48;

    /** The center {@code INPUT x INPUT} window of a stored CHW image, cut out index by index. */
    private static float[] centerByHand(float[] chw) {
        int offset = (STORED - INPUT) / 2;
        float[] out = new float[TinyNetwork.CHANNELS * INPUT * INPUT];
        for (int c = 0; c < TinyNetwork.CHANNELS; c++) {
            for (int y = 0; y < INPUT; y++) {
                for (int x = 0; x < INPUT; x++) {
                    out[(c * INPUT + y) * INPUT + x] = chw[(c * STORED + y + offset) * STORED + x + offset];
                }
            }
        }
        return out;
    }

    @Test
    void oneCropOnStored56Input48IsTheCenterWindowScoredByHand() {
        byte[] model = TinyNetwork.bytes(TinyNetwork.build(7, INPUT));
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            examples.add(new Example(i, i % TinyNetwork.CLASSES, TinyNetwork.example(100 + i, STORED)));
        }
        ScorerSettings context = new ScorerSettings(TinyNetwork.CHANNELS, STORED, INPUT, 4, 0, CropReduction.MEAN, true);
        DistributedScorer.Plan plan = new DistributedScorer.Plan(List.of("m"), List.of(CropPolicy.CENTER, CropPolicy.TEN),
                CropPolicy.CENTER, TinyNetwork.CLASSES, context, new double[] {1.0}, 0, 0, Kernels.BUILTIN, false);
        DistributedScorer.Outcome o = DistributedScorer.scorePartition(examples, List.of(model),
                List.of(NetworkCache.key(model)), plan);

        List<float[]> windows = examples.stream().map(e -> centerByHand(e.chw())).toList();
        ScorerSettings atInput = ScorerSettings.storedCrop(TinyNetwork.CHANNELS, INPUT, 4);
        double[][] byHand;
        try (NetworkCache.Lease lease = NetworkCache.borrow(NetworkCache.key(model), model, Kernels.BUILTIN)) {
            byHand = BatchScorer.member(lease.graph(), windows, CropPolicy.CENTER, atInput);
        }
        MetricsAccumulator expected = new MetricsAccumulator(TinyNetwork.CLASSES);
        for (int e = 0; e < examples.size(); e++) {
            expected.add(byHand[e], examples.get(e).label());
            DistributedScorer.ScoredExample p = o.predictions().get(e);
            assertEquals(Combiner.argmax(byHand[e]), p.predicted(), "example " + e);
            assertEquals(byHand[e][p.predicted()], p.confidence(), "example " + e);
        }
        EvaluationResult one = o.metrics().get(DistributedScorer.key("m", CropPolicy.CENTER)).result();
        EvaluationResult want = expected.result();
        assertEquals(want.top1Error(), one.top1Error());
        assertEquals(want.top5Error(), one.top5Error());
        assertEquals(want.logLoss(), one.logLoss());
        assertArrayEquals(want.confusion(), one.confusion());
        // The 10-crop policy looks at other windows of the stored image too: not the center window alone.
        assertNotEquals(one.logLoss(), o.metrics().get(DistributedScorer.key("m", CropPolicy.TEN)).result().logLoss());
        assertArrayEquals(new int[] {1, 10}, new int[] {context.forwardPasses(CropPolicy.CENTER),
                context.forwardPasses(CropPolicy.TEN)});
    }
}
