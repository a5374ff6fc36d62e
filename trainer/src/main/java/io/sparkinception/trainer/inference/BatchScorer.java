package io.sparkinception.trainer.inference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The one inference path: the crops of every example (under a {@link CropPolicy}) through every member, the crops
 * of several examples batched into one forward pass, each member's crops combined and the members averaged by
 * {@link Combiner}. Training-time validation, {@code evaluate}, {@code predict} and the Spark ML model all score
 * through here; the networks come from {@link NetworkCache}.
 *
 * <p>A crop whose output holds a NaN, infinite or negative value (a diverged model) is not combined: the example's
 * vector is that output, which {@link ExampleScore} counts as wrong with infinite loss and
 * {@link MetricsAccumulator} refuses naming the class. Executor side; pure apart from DL4J.
 */
public final class BatchScorer {
    private BatchScorer() {
    }

    /** The ensemble's probabilities: {@code [example][class]}, the members averaged with equal weight. */
    public static double[][] score(List<ComputationGraph> members, List<float[]> chw, CropPolicy policy, ScorerSettings s) {
        return ensemble(perMember(members, chw, policy, s));
    }

    /** Each member's crop-combined probabilities: {@code [member][example][class]}. */
    public static double[][][] perMember(List<ComputationGraph> members, List<float[]> chw, CropPolicy policy,
                                         ScorerSettings s) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("no members to score with");
        }
        double[][][] out = new double[members.size()][][];
        for (int m = 0; m < out.length; m++) {
            out[m] = member(members.get(m), chw, policy, s);
        }
        return out;
    }

    /** The members' vectors of each example averaged ({@link Combiner#overMembers}): {@code [example][class]}. */
    public static double[][] ensemble(double[][][] perMember) {
        return ensemble(perMember, Combiner.uniform(perMember.length));
    }

    /**
     * The members' vectors of each example, weighted ({@link Combiner#overMembers(double[][], double[])}, one weight
     * per member): {@code [example][class]}.
     */
    public static double[][] ensemble(double[][][] perMember, double[] memberWeights) {
        Combiner.checkMemberWeights(memberWeights, perMember.length);
        double[][] out = new double[perMember[0].length][];
        double[][] one = new double[perMember.length][];
        for (int e = 0; e < out.length; e++) {
            for (int m = 0; m < perMember.length; m++) {
                one[m] = perMember[m][e];
            }
            double[] invalid = firstInvalid(one);
            out[e] = invalid != null ? invalid : Combiner.overMembers(one, memberWeights);
        }
        return out;
    }

    /** One member's crop-combined probabilities of every example: {@code [example][class]}. */
    public static double[][] member(ComputationGraph g, List<float[]> chw, CropPolicy policy, ScorerSettings s) {
        int per = s.channels() * s.inputSize() * s.inputSize();
        float[] buffer = new float[s.batchSize() * per];
        int[] owner = new int[s.batchSize()];
        int filled = 0;
        List<List<double[]>> outputs = new ArrayList<>(chw.size());
        List<double[]> weights = new ArrayList<>(chw.size());
        for (int e = 0; e < chw.size(); e++) {
            List<Crop> crops = s.crops(policy, chw.get(e));
            weights.add(crops.stream().mapToDouble(Crop::weight).toArray());
            outputs.add(new ArrayList<>(crops.size()));
            for (Crop c : crops) {
                System.arraycopy(c.chw(), 0, buffer, filled * per, per);
                owner[filled++] = e;
                if (filled == s.batchSize()) {
                    forward(g, buffer, filled, owner, outputs, s);
                    filled = 0;
                }
            }
        }
        if (filled > 0) {
            forward(g, buffer, filled, owner, outputs, s);
        }
        double[][] out = new double[chw.size()][];
        for (int e = 0; e < out.length; e++) {
            double[][] crops = outputs.get(e).toArray(new double[0][]);
            double[] invalid = firstInvalid(crops);
            out[e] = invalid != null ? invalid : Combiner.overCrops(crops, weights.get(e), s.reduction());
        }
        return out;
    }

    /** One forward pass of the first {@code count} crops of the buffer; each output row goes to its example. */
    private static void forward(ComputationGraph g, float[] buffer, int count, int[] owner, List<List<double[]>> outputs,
                                ScorerSettings s) {
        int per = s.channels() * s.inputSize() * s.inputSize();
        float[] f = count * per == buffer.length ? buffer : Arrays.copyOf(buffer, count * per);
        INDArray in = Nd4j.create(f, new long[] {count, s.channels(), s.inputSize(), s.inputSize()});
        INDArray o = g.output(false, in)[s.output()];
        int classes = (int) o.size(1);
        float[] flat = o.dup().data().asFloat();
        for (int i = 0; i < count; i++) {
            double[] p = new double[classes];
            for (int k = 0; k < classes; k++) {
                p[k] = flat[i * classes + k];
            }
            outputs.get(owner[i]).add(p);
        }
    }

    /** The first vector holding a NaN, infinite or negative value, or null. */
    private static double[] firstInvalid(double[][] rows) {
        for (double[] r : rows) {
            for (double v : r) {
                if (!(v >= 0) || v == Double.POSITIVE_INFINITY) {
                    return r;
                }
            }
        }
        return null;
    }
}
