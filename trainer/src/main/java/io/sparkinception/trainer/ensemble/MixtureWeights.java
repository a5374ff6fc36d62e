package io.sparkinception.trainer.ensemble;

import io.sparkinception.trainer.inference.ExampleScore;

/**
 * The member weights that minimise the log loss of the weighted average of the members' softmax outputs on a
 * validation set: minimise {@code L(w) = -mean_n log(sum_i w_i p_i(y_n | x_n))} over the simplex ({@code w_i >= 0},
 * {@code sum w_i = 1}). L is convex there, and the EM update of mixture weights
 * {@code w_i <- mean_n [w_i p_i(y_n|x_n) / sum_j w_j p_j(y_n|x_n)]} stays on the simplex and never increases L; it
 * starts from the uniform weights and stops when no weight moves by more than {@link #TOLERANCE} in an iteration
 * (or after {@link #MAX_ITERATIONS}). Pure.
 *
 * <p>Probabilities are clamped to at least {@link ExampleScore#LOG_LOSS_EPSILON} first, as the log loss of
 * {@code evaluate} clamps them, so an example every member gives 0 cannot make the loss infinite.
 */
public final class MixtureWeights {
    /** Largest change of any weight in the last iteration at which the fit stops. */
    public static final double TOLERANCE = 1e-9;
    /** Iterations at most (EM converges slowly only when the optimum sits on the simplex's boundary). */
    public static final int MAX_ITERATIONS = 100_000;

    private MixtureWeights() {
    }

    /**
     * A fit.
     *
     * @param weights         one per member, non-negative, summing to 1
     * @param iterations      EM iterations made
     * @param converged       whether the last iteration moved no weight by more than {@link #TOLERANCE}
     * @param uniformLogLoss  the validation log loss of the equal-weight average
     * @param weightedLogLoss the validation log loss with {@code weights} (never above {@code uniformLogLoss})
     */
    public record Fit(double[] weights, int iterations, boolean converged, double uniformLogLoss,
                      double weightedLogLoss) {
    }

    /**
     * @param labelProbabilities {@code [example][member]}: member i's probability of example n's true label
     */
    public static Fit fit(double[][] labelProbabilities) {
        double[][] p = clamped(labelProbabilities);
        int members = p[0].length;
        double[] w = new double[members];
        java.util.Arrays.fill(w, 1.0 / members);
        double uniform = logLoss(p, w);
        int iterations = 0;
        boolean converged = false;
        while (!converged && iterations < MAX_ITERATIONS) {
            double[] next = step(p, w);
            double moved = 0;
            for (int i = 0; i < members; i++) {
                moved = Math.max(moved, Math.abs(next[i] - w[i]));
            }
            w = next;
            iterations++;
            converged = moved <= TOLERANCE;
        }
        return new Fit(w, iterations, converged, uniform, logLoss(p, w));
    }

    /** One EM update of the weights. */
    static double[] step(double[][] p, double[] w) {
        double[] next = new double[w.length];
        for (double[] example : p) {
            double mixture = mixture(example, w);
            for (int i = 0; i < w.length; i++) {
                next[i] += w[i] * example[i] / mixture;
            }
        }
        double total = 0;
        for (int i = 0; i < w.length; i++) {
            next[i] /= p.length;
            total += next[i];
        }
        // The responsibilities of an example sum to 1, so the total is 1 up to rounding; renormalize that away.
        for (int i = 0; i < w.length; i++) {
            next[i] /= total;
        }
        return next;
    }

    /** {@code -mean_n log(sum_i w_i p_i(y_n|x_n))} of clamped probabilities. */
    static double logLoss(double[][] p, double[] w) {
        double sum = 0;
        for (double[] example : p) {
            sum -= Math.log(mixture(example, w));
        }
        return sum / p.length;
    }

    private static double mixture(double[] example, double[] w) {
        double m = 0;
        for (int i = 0; i < w.length; i++) {
            m += w[i] * example[i];
        }
        return m;
    }

    /** A checked copy clamped to [epsilon, 1]; rejects an empty, ragged or non-finite input. */
    private static double[][] clamped(double[][] p) {
        if (p == null || p.length == 0 || p[0].length == 0) {
            throw new IllegalArgumentException("no validation examples to fit member weights on");
        }
        int members = p[0].length;
        double[][] out = new double[p.length][members];
        for (int n = 0; n < p.length; n++) {
            if (p[n].length != members) {
                throw new IllegalArgumentException("example " + n + " has " + p[n].length + " members, example 0 "
                        + members);
            }
            for (int i = 0; i < members; i++) {
                double v = p[n][i];
                if (!(v >= 0) || v == Double.POSITIVE_INFINITY) {
                    throw new IllegalArgumentException("member " + (i + 1) + " gives probability " + v
                            + " to the label of validation example " + n + " (a diverged model?)");
                }
                out[n][i] = Math.min(1.0, Math.max(ExampleScore.LOG_LOSS_EPSILON, v));
            }
        }
        return out;
    }
}
