package io.sparkinception.trainer.inference;

import io.sparkinception.trainer.kernels.Kernels;
import io.sparkinception.trainer.training.Example;
import io.sparkinception.trainer.models.SafeModelLoader;
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
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Scores examples with every member under every crop policy on the executors, batched. Each partition returns
 * mergeable metric sums per (model, policy) — the members and their average ({@value #ENSEMBLE}) — plus the
 * ensemble's per-example predictions at the detail policy, a few misclassified crops per confused pair and a few
 * sample crops per class. The driver adds partitions in partition order, so the result does not depend on which
 * executor ran what.
 */
public final class DistributedScorer {
    public static final String ENSEMBLE = "ensemble";

    private DistributedScorer() {
    }

    /** What one partition (or, merged, the whole dataset) produced. */
    public record Outcome(Map<String, MetricsAccumulator> metrics, List<Prediction> predictions, List<Miss> misses,
                          List<Example> samples, Map<String, Long> nanos, long examples) implements Serializable {

        Outcome merge(Outcome o) {
            Map<String, MetricsAccumulator> m = new LinkedHashMap<>();
            metrics.forEach((k, v) -> m.put(k, v.copy()));
            o.metrics.forEach((k, v) -> m.merge(k, v, (a, b) -> a.merge(b)));
            Map<String, Long> n = new LinkedHashMap<>(nanos);
            o.nanos.forEach((k, v) -> n.merge(k, v, Long::sum));
            List<Prediction> p = new ArrayList<>(predictions);
            p.addAll(o.predictions);
            List<Miss> mi = new ArrayList<>(misses);
            mi.addAll(o.misses);
            List<Example> s = new ArrayList<>(samples);
            s.addAll(o.samples);
            return new Outcome(m, p, mi, s, n, examples + o.examples);
        }
    }

    /** The ensemble's prediction for one example at the detail policy. */
    public record Prediction(long seq, int label, int predicted, double confidence, int[] top5, double[] top5Probability)
            implements Serializable {
    }

    /** A misclassified example (ensemble, detail policy) with its stored crop. */
    public record Miss(long seq, int label, int predicted, float[] chw) implements Serializable {
    }

    /** The settings a partition needs (plain values). */
    public record Settings(List<String> names, List<CropPolicy> policies, CropPolicy detail, CropReduction reduction,
                           int numClasses, int channels, int size, int batchSize, int samplesPerClass,
                           int missesPerPair, boolean mirrors, Kernels kernels) implements Serializable {

        /** The crops of one stored image under a policy: all of them, or without the mirrored ones. */
        public List<Crop> crops(CropPolicy policy, float[] chw) {
            List<Crop> crops = policy.cropsOfStored(chw, channels, size);
            return mirrors ? crops : crops.stream().filter(c -> !c.window().mirrored()).toList();
        }

        /** Forward passes per image under a policy with these settings. */
        public int forwardPasses(CropPolicy policy) {
            int n = policy.forwardPasses(size, size, size);
            return mirrors || policy == CropPolicy.CENTER ? n : n / 2;
        }
    }

    /** Key of the metrics of one model under one policy: {@code member-1|10}, {@code ensemble|144}. */
    public static String key(String model, CropPolicy policy) {
        return model + "|" + policy.id();
    }

    public static Outcome score(JavaSparkContext jsc, JavaRDD<Example> data, List<byte[]> models, Settings s) {
        Broadcast<List<byte[]>> bc = jsc.broadcast(models);
        try {
            List<Outcome> parts = data.mapPartitions((Iterator<Example> it) -> {
                List<Example> ex = new ArrayList<>();
                it.forEachRemaining(ex::add);
                return List.of(scorePartition(ex, bc.value(), s)).iterator();
            }).collect();
            Outcome total = null;
            for (Outcome o : parts) {
                total = total == null ? o : total.merge(o);
            }
            if (total == null || total.examples() == 0) {
                throw new IllegalArgumentException("nothing to evaluate: the data has no examples");
            }
            List<Prediction> preds = new ArrayList<>(total.predictions());
            preds.sort(Comparator.comparingLong(Prediction::seq));
            List<Example> samples = new ArrayList<>(total.samples());
            samples.sort(Comparator.comparingLong(Example::seq));
            List<Miss> misses = new ArrayList<>(total.misses());
            misses.sort(Comparator.comparingLong(Miss::seq));
            return new Outcome(total.metrics(), preds, misses, samples, total.nanos(), total.examples());
        } finally {
            bc.destroy();
        }
    }

    /** Scores one partition's examples (pure apart from DL4J; tests call it directly). */
    public static Outcome scorePartition(List<Example> examples, List<byte[]> models, Settings s) {
        List<Example> ex = new ArrayList<>(examples);
        ex.sort(Comparator.comparingLong(Example::seq));
        int n = ex.size();
        int nm = models.size();
        int np = s.policies().size();
        double[][][][] probs = new double[nm][np][n][];
        Map<String, Long> nanos = new LinkedHashMap<>();
        for (int m = 0; m < nm; m++) {
            ComputationGraph g = SafeModelLoader.restore(models.get(m), false, s.kernels());
            for (int p = 0; p < np; p++) {
                long t0 = System.nanoTime();
                probs[m][p] = scorePolicy(g, ex, s.policies().get(p), s);
                nanos.merge(key(s.names().get(m), s.policies().get(p)), System.nanoTime() - t0, Long::sum);
            }
        }
        Map<String, MetricsAccumulator> metrics = new LinkedHashMap<>();
        int detail = s.policies().indexOf(s.detail());
        List<Prediction> predictions = new ArrayList<>();
        List<Miss> misses = new ArrayList<>();
        Map<Long, Integer> perPair = new LinkedHashMap<>();
        for (int p = 0; p < np; p++) {
            for (int m = 0; m < nm; m++) {
                MetricsAccumulator acc = new MetricsAccumulator(s.numClasses());
                for (int e = 0; e < n; e++) {
                    acc.add(probs[m][p][e], ex.get(e).label());
                }
                metrics.put(key(s.names().get(m), s.policies().get(p)), acc);
            }
            MetricsAccumulator ens = new MetricsAccumulator(s.numClasses());
            for (int e = 0; e < n; e++) {
                double[][] perMember = new double[nm][];
                for (int m = 0; m < nm; m++) {
                    perMember[m] = probs[m][p][e];
                }
                double[] avg = Combiner.overMembers(perMember);
                Example x = ex.get(e);
                ens.add(avg, x.label());
                if (p == detail) {
                    int pred = Combiner.argmax(avg);
                    int[] top = TopK.of(avg, 5);
                    double[] topP = new double[top.length];
                    for (int i = 0; i < top.length; i++) {
                        topP[i] = avg[top[i]];
                    }
                    predictions.add(new Prediction(x.seq(), x.label(), pred, avg[pred], top, topP));
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
        return new Outcome(metrics, predictions, misses, samples, nanos, n);
    }

    /**
     * Label-free scoring (used by {@code predict}): the members' crop-combined probabilities of normalized CHW
     * tensors under one policy, averaged over the members with {@link Combiner#overMembers}, as the ensemble's
     * predictions of {@link #scorePartition} are. Executor side; the graphs are restored by the caller.
     *
     * @return {@code [example][class]}
     */
    public static double[][] averageProbabilities(List<ComputationGraph> members, List<float[]> chw, CropPolicy policy,
                                                  Settings s) {
        List<Example> ex = new ArrayList<>(chw.size());
        for (int i = 0; i < chw.size(); i++) {
            ex.add(new Example(i, -1, chw.get(i)));
        }
        double[][][] perMember = new double[members.size()][][];
        for (int m = 0; m < members.size(); m++) {
            perMember[m] = scorePolicy(members.get(m), ex, policy, s);
        }
        double[][] out = new double[chw.size()][];
        for (int e = 0; e < out.length; e++) {
            double[][] one = new double[members.size()][];
            for (int m = 0; m < members.size(); m++) {
                one[m] = perMember[m][e];
            }
            out[e] = Combiner.overMembers(one);
        }
        return out;
    }

    /** Crop-combined probabilities of every example under one policy, the crops of several examples batched. */
    static double[][] scorePolicy(ComputationGraph g, List<Example> ex, CropPolicy policy, Settings s) {
        int per = s.channels() * s.size() * s.size();
        double[][] out = new double[ex.size()][];
        float[] buffer = new float[s.batchSize() * per];
        int filled = 0;
        // Pending: for each crop in the buffer, which example it belongs to.
        int[] owner = new int[s.batchSize()];
        List<List<double[]>> perExample = new ArrayList<>();
        List<double[]> perExampleWeights = new ArrayList<>();
        for (int e = 0; e < ex.size(); e++) {
            List<Crop> crops = s.crops(policy, ex.get(e).chw());
            double[] w = new double[crops.size()];
            for (int i = 0; i < w.length; i++) {
                w[i] = crops.get(i).weight();
            }
            perExample.add(new ArrayList<>(crops.size()));
            perExampleWeights.add(w);
            for (Crop c : crops) {
                System.arraycopy(c.chw(), 0, buffer, filled * per, per);
                owner[filled++] = e;
                if (filled == s.batchSize()) {
                    forward(g, buffer, filled, owner, perExample, s);
                    filled = 0;
                }
            }
        }
        if (filled > 0) {
            forward(g, buffer, filled, owner, perExample, s);
        }
        for (int e = 0; e < ex.size(); e++) {
            out[e] = Combiner.overCrops(perExample.get(e).toArray(new double[0][]), perExampleWeights.get(e), s.reduction());
        }
        return out;
    }

    private static void forward(ComputationGraph g, float[] buffer, int count, int[] owner, List<List<double[]>> perExample,
                                Settings s) {
        float[] f = count * s.channels() * s.size() * s.size() == buffer.length ? buffer
                : java.util.Arrays.copyOf(buffer, count * s.channels() * s.size() * s.size());
        INDArray in = Nd4j.create(f, new long[] {count, s.channels(), s.size(), s.size()});
        INDArray o = g.output(false, in)[0];
        float[] flat = o.dup().data().asFloat();
        int c = s.numClasses();
        for (int i = 0; i < count; i++) {
            double[] p = new double[c];
            for (int k = 0; k < c; k++) {
                p[k] = flat[i * c + k];
            }
            perExample.get(owner[i]).add(p);
        }
    }
}
