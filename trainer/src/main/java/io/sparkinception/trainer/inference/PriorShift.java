package io.sparkinception.trainer.inference;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;

/**
 * A post-hoc change of a classifier's class prior (Bayes' rule; "logit adjustment", Menon et al. 2021): a network
 * trained on data where class k has prior {@code pi_k} outputs roughly {@code p(k|x) ∝ p(x|k) pi_k}; scored on data
 * whose classes are equally likely, the Bayes decision uses {@code p(k|x) / pi_k}. {@link #toUniform(long[])} builds
 * that shift from the training split's class counts; {@link #apply(double[])} multiplies a probability vector by the
 * factors and renormalizes it.
 *
 * <p>The prior is estimated with add-one (Laplace) smoothing, {@code pi_k = (n_k + 1) / (N + K)}, so a class the
 * training data never showed gets a finite factor. Pure; a vector holding a NaN, infinite or negative value (a
 * diverged model) is returned as it is, so it is still counted as wrong.
 */
public record PriorShift(double[] factors) implements Serializable {

    public PriorShift {
        if (factors == null || factors.length == 0) {
            throw new IllegalArgumentException("a prior shift needs one factor per class");
        }
        for (int k = 0; k < factors.length; k++) {
            if (!(factors[k] > 0) || Double.isInfinite(factors[k])) {
                throw new IllegalArgumentException("prior-shift factor of class " + k + " must be positive and finite, got "
                        + factors[k]);
            }
        }
        factors = factors.clone();
    }

    /**
     * The shift from the prior of the training counts ({@code counts[k]}: training examples of class k) to a uniform
     * prior: factor {@code 1 / pi_k} with {@code pi_k = (n_k + 1) / (N + K)}.
     *
     * @throws IllegalArgumentException on no classes or a negative count
     */
    public static PriorShift toUniform(long[] counts) {
        if (counts == null || counts.length == 0) {
            throw new IllegalArgumentException("no training class counts to shift the prior from");
        }
        long total = 0;
        for (int k = 0; k < counts.length; k++) {
            if (counts[k] < 0) {
                throw new IllegalArgumentException("training count of class " + k + " is negative: " + counts[k]);
            }
            total += counts[k];
        }
        double[] f = new double[counts.length];
        for (int k = 0; k < counts.length; k++) {
            f[k] = (total + counts.length) / (double) (counts[k] + 1);
        }
        return new PriorShift(f);
    }

    /** Number of classes. */
    public int classes() {
        return factors.length;
    }

    /** The shifted, renormalized probabilities ({@code p} is not changed); invalid vectors are returned unchanged. */
    public double[] apply(double[] p) {
        if (p.length != factors.length) {
            throw new IllegalArgumentException("a vector of " + p.length + " classes, but the prior shift has "
                    + factors.length);
        }
        double sum = 0;
        double[] out = new double[p.length];
        for (int k = 0; k < p.length; k++) {
            if (!(p[k] >= 0) || Double.isInfinite(p[k])) {
                return p;
            }
            out[k] = p[k] * factors[k];
            sum += out[k];
        }
        if (!(sum > 0)) {
            return p;
        }
        for (int k = 0; k < out.length; k++) {
            out[k] /= sum;
        }
        return out;
    }

    /** {@link #apply(double[])} on every row of {@code [example][class]}. */
    public double[][] apply(double[][] rows) {
        double[][] out = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = apply(rows[i]);
        }
        return out;
    }

    /** The largest factor over the smallest: how much the rarest class gains against the most common one. */
    public double spread() {
        double min = Arrays.stream(factors).min().orElseThrow();
        double max = Arrays.stream(factors).max().orElseThrow();
        return max / min;
    }

    /** One line for the log: what the shift does and the range of its factors. */
    public String describe() {
        return String.format(Locale.ROOT, "every output divided by its class's training frequency and renormalized"
                + " (factors %.3g..%.3g)", Arrays.stream(factors).min().orElseThrow(),
                Arrays.stream(factors).max().orElseThrow());
    }

    @Override
    public double[] factors() {
        return factors.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PriorShift s && Arrays.equals(factors, s.factors);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(factors);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "PriorShift[%d classes, factors %.3g..%.3g]", factors.length,
                Arrays.stream(factors).min().orElseThrow(), Arrays.stream(factors).max().orElseThrow());
    }
}
