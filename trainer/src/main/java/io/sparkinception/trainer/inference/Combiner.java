package io.sparkinception.trainer.inference;

import java.util.List;

/**
 * Combines softmax probabilities over crops and ensemble members, as in the GoogLeNet paper: each member's crops
 * are reduced first (weighted mean, or class-wise max), then the members are averaged, with equal weight (the
 * paper) or with the ensemble's recorded member weights ({@code ensemble --weights val-loss}).
 * With {@link CropReduction#MEAN} and the same crop weights for every member this equals the weighted mean over
 * all (member, crop) pairs.
 *
 * <p>Inputs are probabilities (the inference graph's softmax output): every value must be finite and
 * non-negative; they are not required to sum to exactly 1 (float32 outputs do not). All arrays are read only.
 *
 * <p>Ties: {@link #argmax} returns the lowest class index among the maxima, and {@link #rank} orders equal
 * probabilities by ascending class index, so top-k sets are deterministic.
 */
public final class Combiner {
    private Combiner() {
    }

    /**
     * One member's crops reduced to one probability vector.
     *
     * @param crops   {@code [crop][class]} probabilities
     * @param weights one positive weight per crop (e.g. {@link Crop#weight()}); used by {@link CropReduction#MEAN},
     *                checked but otherwise ignored by {@link CropReduction#MAX}
     */
    public static double[] overCrops(double[][] crops, double[] weights, CropReduction reduction) {
        int classes = checkMatrix(crops, "crop", "member");
        if (weights.length != crops.length) {
            throw new IllegalArgumentException(crops.length + " crops but " + weights.length + " weights");
        }
        double total = 0;
        for (int i = 0; i < weights.length; i++) {
            if (!(weights[i] > 0) || Double.isInfinite(weights[i])) {
                throw new IllegalArgumentException("crop weight " + i + " must be positive and finite, got " + weights[i]);
            }
            total += weights[i];
        }
        double[] out = new double[classes];
        if (reduction == CropReduction.MEAN) {
            for (int i = 0; i < crops.length; i++) {
                for (int k = 0; k < classes; k++) {
                    out[k] += weights[i] * crops[i][k];
                }
            }
            for (int k = 0; k < classes; k++) {
                out[k] /= total;
            }
            return out;
        }
        System.arraycopy(crops[0], 0, out, 0, classes);
        for (int i = 1; i < crops.length; i++) {
            for (int k = 0; k < classes; k++) {
                out[k] = Math.max(out[k], crops[i][k]);
            }
        }
        double sum = 0;
        for (double v : out) {
            sum += v;
        }
        if (sum > 0) {
            for (int k = 0; k < classes; k++) {
                out[k] /= sum;
            }
        }
        return out;
    }

    /** The crops of one member with equal weights. */
    public static double[] overCrops(double[][] crops, CropReduction reduction) {
        double[] w = new double[crops.length];
        java.util.Arrays.fill(w, 1.0);
        return overCrops(crops, w, reduction);
    }

    /** The equal-weight mean of the members' probability vectors ({@code [member][class]}). */
    public static double[] overMembers(double[][] members) {
        return overMembers(members, uniform(members.length));
    }

    /**
     * The weighted mean of the members' probability vectors ({@code [member][class]}): {@code sum_i w_i p_i / sum_i w_i}.
     * Weights are non-negative with a positive sum and need not be normalized; equal weights of 1 give exactly
     * (bit for bit) {@link #overMembers(double[][])}.
     */
    public static double[] overMembers(double[][] members, double[] weights) {
        int classes = checkMatrix(members, "member", "ensemble");
        double total = checkMemberWeights(weights, members.length);
        double[] out = new double[classes];
        for (int i = 0; i < members.length; i++) {
            for (int k = 0; k < classes; k++) {
                out[k] += weights[i] * members[i][k];
            }
        }
        for (int k = 0; k < classes; k++) {
            out[k] /= total;
        }
        return out;
    }

    /** {@code n} weights of 1: the members averaged with equal weight. */
    public static double[] uniform(int n) {
        double[] w = new double[n];
        java.util.Arrays.fill(w, 1.0);
        return w;
    }

    /** Checks one finite non-negative weight per member with a positive sum; returns the sum. */
    public static double checkMemberWeights(double[] weights, int members) {
        if (weights == null || weights.length != members) {
            throw new IllegalArgumentException(members + " members but " + (weights == null ? 0 : weights.length)
                    + " member weights");
        }
        double total = 0;
        for (int i = 0; i < weights.length; i++) {
            if (!(weights[i] >= 0) || Double.isInfinite(weights[i])) {
                throw new IllegalArgumentException("member weight " + i + " must be finite and >= 0, got " + weights[i]);
            }
            total += weights[i];
        }
        if (!(total > 0)) {
            throw new IllegalArgumentException("member weights must not all be 0");
        }
        return total;
    }

    /**
     * The ensemble's probabilities for one example: {@code probs[member][crop][class]}, every member scored on the
     * same crops (weights per crop), each member reduced over its crops, then the members averaged.
     */
    public static double[] combine(double[][][] probs, double[] cropWeights, CropReduction reduction) {
        if (probs.length == 0) {
            throw new IllegalArgumentException("no members to combine");
        }
        double[][] perMember = new double[probs.length][];
        for (int m = 0; m < probs.length; m++) {
            if (probs[m] == null || probs[m].length != cropWeights.length) {
                throw new IllegalArgumentException("member " + m + " has "
                        + (probs[m] == null ? 0 : probs[m].length) + " crops, expected " + cropWeights.length);
            }
            try {
                perMember[m] = overCrops(probs[m], cropWeights, reduction);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("member " + m + ": " + e.getMessage(), e);
            }
        }
        return overMembers(perMember);
    }

    /** {@link #combine(double[][][], double[], CropReduction)} with the crops' own weights. */
    public static double[] combine(double[][][] probs, List<Crop> crops, CropReduction reduction) {
        double[] w = new double[crops.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = crops.get(i).weight();
        }
        return combine(probs, w, reduction);
    }

    /** The index of the largest value; on ties the lowest index wins. */
    public static int argmax(double[] p) {
        if (p.length == 0) {
            throw new IllegalArgumentException("argmax of an empty vector");
        }
        int best = 0;
        for (int k = 1; k < p.length; k++) {
            if (p[k] > p[best]) {
                best = k;
            }
        }
        return best;
    }

    /**
     * The 0-based rank of class {@code k}: how many classes come before it when sorted by probability descending,
     * equal probabilities by ascending index. Class {@code k} is in the top-n iff {@code rank(p, k) < n}.
     */
    public static int rank(double[] p, int k) {
        if (k < 0 || k >= p.length) {
            throw new IllegalArgumentException("class " + k + " outside 0.." + (p.length - 1));
        }
        int before = 0;
        for (int j = 0; j < p.length; j++) {
            if (p[j] > p[k] || (p[j] == p[k] && j < k)) {
                before++;
            }
        }
        return before;
    }

    /** A float32 network output as doubles. */
    public static double[] toDouble(float[] p) {
        double[] out = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = p[i];
        }
        return out;
    }

    /** Float32 network outputs ({@code [row][class]}) as doubles. */
    public static double[][] toDouble(float[][] p) {
        double[][] out = new double[p.length][];
        for (int i = 0; i < p.length; i++) {
            out[i] = toDouble(p[i]);
        }
        return out;
    }

    /** Checks a finite, non-negative, rectangular, non-empty {@code [row][class]} matrix; returns the class count. */
    static int checkMatrix(double[][] rows, String row, String of) {
        if (rows == null || rows.length == 0) {
            throw new IllegalArgumentException("no " + row + "s to combine for the " + of);
        }
        if (rows[0] == null || rows[0].length == 0) {
            throw new IllegalArgumentException(row + " 0 has no class probabilities");
        }
        int classes = rows[0].length;
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] == null || rows[i].length != classes) {
                throw new IllegalArgumentException(row + " " + i + " has " + (rows[i] == null ? 0 : rows[i].length)
                        + " classes but " + row + " 0 has " + classes);
            }
            checkProbabilities(rows[i], row + " " + i);
        }
        return classes;
    }

    /** Rejects NaN, infinite and negative probabilities, naming the first offending class. */
    static void checkProbabilities(double[] p, String what) {
        for (int k = 0; k < p.length; k++) {
            if (Double.isNaN(p[k])) {
                throw new IllegalArgumentException(what + ": probability of class " + k + " is NaN");
            }
            if (Double.isInfinite(p[k]) || p[k] < 0) {
                throw new IllegalArgumentException(what + ": probability of class " + k + " is " + p[k]
                        + ", expected a finite non-negative value");
            }
        }
    }
}
