package io.sparkinception.trainer.inference;

/**
 * The one definition of the per-example metrics, used by {@code evaluate} ({@link MetricsAccumulator}) and by
 * training's validation ({@code training.EvalCounts}): the predicted class is the argmax with ties to the
 * lowest index, the label is in the top k when {@link Combiner#rank} puts it before position k (equal
 * probabilities ordered by ascending index), and the log loss is {@code -log(clamp(p[label], 1e-7, 1))}.
 *
 * <p>A probability vector with a NaN, infinite or negative value (a diverged model) is {@linkplain #valid()
 * invalid}: it counts as wrong for top-1 and top-k and its log loss is {@code +Infinity}, so a NaN model never
 * scores as accurate and its mean loss is never clamped into a good-looking number. Pure.
 *
 * @param predicted the argmax, or -1 when the vector is invalid
 * @param top1      the label is the argmax
 * @param topK      the label is among the {@link #TOP_K} most probable classes
 * @param logLoss   this example's cross-entropy (+Infinity when invalid)
 * @param valid     every probability is finite and non-negative
 */
public record ExampleScore(int predicted, boolean top1, boolean topK, double logLoss, boolean valid) {
    /** The k of the top-k accuracy. */
    public static final int TOP_K = 5;
    /** Probabilities are clamped to at least this before the log in the log loss. */
    public static final double LOG_LOSS_EPSILON = 1e-7;

    private static final ExampleScore INVALID = new ExampleScore(-1, false, false, Double.POSITIVE_INFINITY, false);

    /** Scores one probability vector against its label (which must be in range). */
    public static ExampleScore of(double[] probs, int label) {
        if (label < 0 || label >= probs.length) {
            throw new IllegalArgumentException("label " + label + " outside 0.." + (probs.length - 1));
        }
        for (double p : probs) {
            if (!(p >= 0) || p == Double.POSITIVE_INFINITY) {
                return INVALID;
            }
        }
        int predicted = Combiner.argmax(probs);
        double loss = -Math.log(Math.min(1.0, Math.max(LOG_LOSS_EPSILON, probs[label])));
        return new ExampleScore(predicted, predicted == label, Combiner.rank(probs, label) < TOP_K, loss, true);
    }

    /** A float32 network output, converted exactly to doubles. */
    public static ExampleScore of(float[] probs, int label) {
        return of(Combiner.toDouble(probs), label);
    }
}
