package io.sparkinception.trainer.inference;

import io.sparkinception.trainer.kernels.Kernels;
import io.sparkinception.trainer.training.Example;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * {@code evaluate}'s distributed scoring: every member under every crop policy on the executors, through the
 * {@link BatchScorer} with networks from the {@link NetworkCache}. Each partition returns
 * mergeable metric sums per (model, policy) — the members and their (weighted) average ({@value #ENSEMBLE}) — plus
 * the members' error agreement counts, the ensemble's per-example predictions at the detail policy, a few
 * misclassified crops per confused pair, a few sample crops per class and, when asked, every member's probability
 * of the label per example (what {@code ensemble --weights val-loss} fits the member weights on). The driver adds
 * partitions in partition order, so the result does not depend on which executor ran what.
 */
public final class DistributedScorer {
    public static final String ENSEMBLE = "ensemble";

    private DistributedScorer() {
    }

    /** What one partition (or, merged, the whole dataset) produced. */
    public record Outcome(Map<String, MetricsAccumulator> metrics, ErrorAgreementAccumulator agreement,
                          List<ScoredExample> predictions, List<Miss> misses, List<Example> samples,
                          List<LabelProbabilities> labelProbabilities, Map<String, Long> nanos, long examples)
            implements Serializable {

        Outcome merge(Outcome o) {
            Map<String, MetricsAccumulator> m = new LinkedHashMap<>();
            metrics.forEach((k, v) -> m.put(k, v.copy()));
            o.metrics.forEach((k, v) -> m.merge(k, v, (a, b) -> a.merge(b)));
            Map<String, Long> n = new LinkedHashMap<>(nanos);
            o.nanos.forEach((k, v) -> n.merge(k, v, Long::sum));
            List<ScoredExample> p = new ArrayList<>(predictions);
            p.addAll(o.predictions);
            List<Miss> mi = new ArrayList<>(misses);
            mi.addAll(o.misses);
            List<Example> s = new ArrayList<>(samples);
            s.addAll(o.samples);
            List<LabelProbabilities> l = new ArrayList<>(labelProbabilities);
            l.addAll(o.labelProbabilities);
            return new Outcome(m, agreement.copy().merge(o.agreement), p, mi, s, l, n, examples + o.examples);
        }
    }

    /** The ensemble's prediction for one example at the detail policy. */
    public record ScoredExample(long seq, int label, int predicted, double confidence, int[] top5, double[] top5Probability)
            implements Serializable {
    }

    /** Each member's probability of the true label of one example at the detail policy ({@code [member]}). */
    public record LabelProbabilities(long seq, double[] perMember) implements Serializable {
    }

    /** A misclassified example (ensemble, detail policy) with its stored crop. */
    public record Miss(long seq, int label, int predicted, float[] chw) implements Serializable {
    }

    /**
     * What an {@code evaluate} partition needs (plain values): the members' names, the crop policies (the
     * {@code detail} one gets per-example predictions, misses and samples), the classes, how to score
     * ({@link ScorerSettings}), the members' weights in the ensemble's average
     * ({@link Combiner#overMembers(double[][], double[])}; {@link Combiner#uniform} for equal weights), the report's
     * sample budgets, the kernels to restore the members with, whether to return every example's
     * {@link LabelProbabilities} and the class-prior shift applied to every member's crop-combined output before
     * anything is counted or averaged (null: none, the outputs as trained).
     */
    public record Plan(List<String> names, List<CropPolicy> policies, CropPolicy detail, int numClasses,
                       ScorerSettings scorer, double[] memberWeights, int samplesPerClass, int missesPerPair,
                       Kernels kernels, boolean labelProbabilities, PriorShift priorShift) implements Serializable {
        public Plan {
            names = List.copyOf(names);
            policies = List.copyOf(policies);
            Combiner.checkMemberWeights(memberWeights, names.size());
            memberWeights = memberWeights.clone();
            if (priorShift != null && priorShift.classes() != numClasses) {
                throw new IllegalArgumentException("the prior shift has " + priorShift.classes() + " classes, the models "
                        + numClasses);
            }
        }

        /** A plan that scores the outputs as trained (no prior shift). */
        public Plan(List<String> names, List<CropPolicy> policies, CropPolicy detail, int numClasses,
                    ScorerSettings scorer, double[] memberWeights, int samplesPerClass, int missesPerPair,
                    Kernels kernels, boolean labelProbabilities) {
            this(names, policies, detail, numClasses, scorer, memberWeights, samplesPerClass, missesPerPair, kernels,
                    labelProbabilities, null);
        }
    }

    /** Key of the metrics of one model under one policy: {@code member-1|10}, {@code ensemble|144}. */
    public static String key(String model, CropPolicy policy) {
        return model + "|" + policy.id();
    }

    public static Outcome score(JavaSparkContext jsc, JavaRDD<Example> data, List<byte[]> models, Plan s) {
        Broadcast<List<byte[]>> bc = jsc.broadcast(models);
        List<String> keys = models.stream().map(NetworkCache::key).toList();
        try {
            List<Outcome> parts = data.mapPartitions((Iterator<Example> it) -> {
                List<Example> ex = new ArrayList<>();
                it.forEachRemaining(ex::add);
                return List.of(scorePartition(ex, bc.value(), keys, s)).iterator();
            }).collect();
            Outcome total = null;
            for (Outcome o : parts) {
                total = total == null ? o : total.merge(o);
            }
            if (total == null || total.examples() == 0) {
                throw new IllegalArgumentException("nothing to evaluate: the data has no examples");
            }
            List<ScoredExample> preds = new ArrayList<>(total.predictions());
            preds.sort(Comparator.comparingLong(ScoredExample::seq));
            List<Example> samples = new ArrayList<>(total.samples());
            samples.sort(Comparator.comparingLong(Example::seq));
            List<Miss> misses = new ArrayList<>(total.misses());
            misses.sort(Comparator.comparingLong(Miss::seq));
            List<LabelProbabilities> labels = new ArrayList<>(total.labelProbabilities());
            labels.sort(Comparator.comparingLong(LabelProbabilities::seq));
            return new Outcome(total.metrics(), total.agreement(), preds, misses, samples, labels, total.nanos(),
                    total.examples());
        } finally {
            bc.destroy();
        }
    }

    /**
     * Scores one partition's examples (pure apart from DL4J; tests call it directly). The members are borrowed from
     * {@link NetworkCache} one at a time ({@code keys}: their {@link NetworkCache#key}s).
     */
    public static Outcome scorePartition(List<Example> examples, List<byte[]> models, List<String> keys, Plan s) {
        List<Example> ex = new ArrayList<>(examples);
        ex.sort(Comparator.comparingLong(Example::seq));
        List<float[]> chw = ex.stream().map(Example::chw).toList();
        int n = ex.size();
        int nm = models.size();
        int np = s.policies().size();
        double[][][][] probs = new double[np][nm][][];
        Map<String, Long> nanos = new LinkedHashMap<>();
        for (int m = 0; m < nm; m++) {
            try (NetworkCache.Lease lease = NetworkCache.borrow(keys.get(m), models.get(m), s.kernels())) {
                for (int p = 0; p < np; p++) {
                    long t0 = System.nanoTime();
                    probs[p][m] = BatchScorer.member(lease.graph(), chw, s.policies().get(p), s.scorer());
                    if (s.priorShift() != null) {
                        probs[p][m] = s.priorShift().apply(probs[p][m]);
                    }
                    nanos.merge(key(s.names().get(m), s.policies().get(p)), System.nanoTime() - t0, Long::sum);
                }
            }
        }
        Map<String, MetricsAccumulator> metrics = new LinkedHashMap<>();
        int detail = s.policies().indexOf(s.detail());
        List<ScoredExample> predictions = new ArrayList<>();
        List<Miss> misses = new ArrayList<>();
        Map<Long, Integer> perPair = new LinkedHashMap<>();
        ErrorAgreementAccumulator agreement = new ErrorAgreementAccumulator(nm);
        List<LabelProbabilities> labels = new ArrayList<>();
        for (int p = 0; p < np; p++) {
            for (int m = 0; m < nm; m++) {
                MetricsAccumulator acc = new MetricsAccumulator(s.numClasses());
                for (int e = 0; e < n; e++) {
                    acc.add(probs[p][m][e], ex.get(e).label());
                }
                metrics.put(key(s.names().get(m), s.policies().get(p)), acc);
            }
            MetricsAccumulator ens = new MetricsAccumulator(s.numClasses());
            double[][] ensemble = BatchScorer.ensemble(probs[p], s.memberWeights());
            for (int e = 0; e < n; e++) {
                double[] avg = ensemble[e];
                Example x = ex.get(e);
                ens.add(avg, x.label());
                if (p == detail) {
                    recordDetail(probs[p], e, x, s, agreement, labels);
                    int pred = Combiner.argmax(avg);
                    int[] top = TopK.of(avg, 5);
                    double[] topP = new double[top.length];
                    for (int i = 0; i < top.length; i++) {
                        topP[i] = avg[top[i]];
                    }
                    predictions.add(new ScoredExample(x.seq(), x.label(), pred, avg[pred], top, topP));
                    if (pred != x.label()) {
                        long pair = (long) x.label() * s.numClasses() + pred;
                        if (perPair.merge(pair, 1, Integer::sum) <= s.missesPerPair()) {
                            misses.add(new Miss(x.seq(), x.label(), pred, x.chw()));
                        }
                    }
                }
            }
            metrics.put(key(ENSEMBLE, s.policies().get(p)), ens);
        }
        Map<Integer, Integer> perClass = new LinkedHashMap<>();
        List<Example> samples = new ArrayList<>();
        for (Example x : ex) {
            if (perClass.merge(x.label(), 1, Integer::sum) <= s.samplesPerClass()) {
                samples.add(x);
            }
        }
        return new Outcome(metrics, agreement, predictions, misses, samples, labels, nanos, n);
    }

    /** The members' error agreement of example e and, when the plan asks, its members' probabilities of the label. */
    private static void recordDetail(double[][][] probs, int e, Example x, Plan s,
                                     ErrorAgreementAccumulator agreement, List<LabelProbabilities> labels) {
        double[][] members = new double[probs.length][];
        double[] label = new double[probs.length];
        for (int m = 0; m < probs.length; m++) {
            members[m] = probs[m][e];
            label[m] = probs[m][e][x.label()];
        }
        agreement.add(members, x.label());
        if (s.labelProbabilities()) {
            labels.add(new LabelProbabilities(x.seq(), label));
        }
    }
}
