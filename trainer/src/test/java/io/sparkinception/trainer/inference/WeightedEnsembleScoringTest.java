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
 * {@code evaluate}'s partition scoring of a two-member ensemble with the manifest's weights and with uniform
 * weights: the members' own metrics are the same, and the ensemble's are exactly those of the pure weighted
 * combination ({@link Combiner#overMembers(double[][], double[])}) of the members' outputs.
 */
class WeightedEnsembleScoringTest {
    private static final List<byte[]> MODELS = List.of(TinyNetwork.bytes(TinyNetwork.build(7)),
            TinyNetwork.bytes(TinyNetwork.build(8)));
    private static final List<String> KEYS = List.of(NetworkCache.key(MODELS.get(0)) + "-weighted",
            NetworkCache.key(MODELS.get(1)) + "-weighted");
    private static final ScorerSettings SCORER = new ScorerSettings(TinyNetwork.CHANNELS, TinyNetwork.SIZE, 5, 0,
            CropReduction.MEAN, true);
    private static final List<CropPolicy> POLICIES = List.of(CropPolicy.CENTER, CropPolicy.TEN);

    private static List<Example> examples() {
        List<Example> ex = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ex.add(new Example(i, i % TinyNetwork.CLASSES, TinyNetwork.example(100 + i)));
        }
        return ex;
    }

    private static DistributedScorer.Outcome score(double[] weights) {
        DistributedScorer.Plan plan = new DistributedScorer.Plan(List.of("member-1", "member-2"), POLICIES,
                CropPolicy.TEN, TinyNetwork.CLASSES, SCORER, weights, 0, 0, Kernels.BUILTIN, true);
        return DistributedScorer.scorePartition(examples(), MODELS, KEYS, plan);
    }

    /** Each member's crop-combined outputs under a policy, through the same cached networks. */
    private static double[][][] perMember(CropPolicy policy) {
        List<float[]> chw = examples().stream().map(Example::chw).toList();
        double[][][] out = new double[2][][];
        for (int m = 0; m < 2; m++) {
            try (NetworkCache.Lease lease = NetworkCache.borrow(KEYS.get(m), MODELS.get(m), Kernels.BUILTIN)) {
                out[m] = BatchScorer.member(lease.graph(), chw, policy, SCORER);
            }
        }
        return out;
    }

    @Test
    void manifestWeightsChangeTheEnsembleExactlyAsTheWeightedCombinationPredicts() {
        double[] weights = {0.8, 0.2};
        DistributedScorer.Outcome weighted = score(weights);
        DistributedScorer.Outcome uniform = score(Combiner.uniform(2));
        List<Example> ex = examples();
        for (CropPolicy p : POLICIES) {
            double[][][] members = perMember(p);
            MetricsAccumulator expectedWeighted = new MetricsAccumulator(TinyNetwork.CLASSES);
            MetricsAccumulator expectedUniform = new MetricsAccumulator(TinyNetwork.CLASSES);
            for (int e = 0; e < ex.size(); e++) {
                double[][] one = {members[0][e], members[1][e]};
                expectedWeighted.add(Combiner.overMembers(one, weights), ex.get(e).label());
                expectedUniform.add(Combiner.overMembers(one), ex.get(e).label());
            }
            EvaluationResult w = weighted.metrics().get(DistributedScorer.key(DistributedScorer.ENSEMBLE, p)).result();
            EvaluationResult u = uniform.metrics().get(DistributedScorer.key(DistributedScorer.ENSEMBLE, p)).result();
            assertEquals(expectedWeighted.result().logLoss(), w.logLoss(), p.id());
            assertEquals(expectedWeighted.result().top1Error(), w.top1Error(), p.id());
            assertEquals(expectedUniform.result().logLoss(), u.logLoss(), p.id());
            assertNotEquals(u.logLoss(), w.logLoss(), "the weights change the ensemble under " + p.id());
            for (String member : List.of("member-1", "member-2")) {
                String key = DistributedScorer.key(member, p);
                assertEquals(uniform.metrics().get(key).result().logLoss(), weighted.metrics().get(key).result().logLoss());
            }
        }
        // The detail policy's predictions are the weighted average's argmax and confidence.
        double[][][] detail = perMember(CropPolicy.TEN);
        for (DistributedScorer.ScoredExample s : weighted.predictions()) {
            int e = (int) s.seq();
            double[] avg = Combiner.overMembers(new double[][] {detail[0][e], detail[1][e]}, weights);
            assertEquals(Combiner.argmax(avg), s.predicted());
            assertEquals(avg[s.predicted()], s.confidence());
            assertArrayEquals(new double[] {detail[0][e][s.label()], detail[1][e][s.label()]},
                    weighted.labelProbabilities().get(e).perMember());
        }
        assertEquals(12, weighted.labelProbabilities().size());
    }

    @Test
    void theErrorAgreementCountsEachMembersTop1AtTheDetailPolicy() {
        double[][][] detail = perMember(CropPolicy.TEN);
        ErrorAgreementAccumulator expected = new ErrorAgreementAccumulator(2);
        List<Example> ex = examples();
        for (int e = 0; e < ex.size(); e++) {
            expected.add(new boolean[] {Combiner.argmax(detail[0][e]) == ex.get(e).label(),
                    Combiner.argmax(detail[1][e]) == ex.get(e).label()});
        }
        ErrorAgreement got = score(new double[] {0.8, 0.2}).agreement().result();
        ErrorAgreement want = expected.result();
        assertEquals(12, got.examples());
        assertArrayEquals(want.correct(), got.correct());
        assertEquals(want.bothWrong()[0][1], got.bothWrong()[0][1]);
        assertEquals(want.eitherWrong()[0][1], got.eitherWrong()[0][1]);
    }
}
