package io.sparkinception.trainer.training;

import io.sparkinception.trainer.inference.ExampleScore;
import java.io.Serializable;

/**
 * Validation sums with pure {@code merge}: examples, top-1 and top-5 hits, summed cross-entropy, and the examples
 * whose output held a NaN, infinite or negative probability. Each example is scored by {@link ExampleScore}, the
 * definition {@code evaluate} uses: ties go to the lowest class index, a non-finite output counts as wrong and
 * makes the loss infinite.
 */
public record EvalCounts(long examples, long top1, long top5, double lossSum, long nonFinite) implements Serializable {
    public static final EvalCounts ZERO = new EvalCounts(0, 0, 0, 0, 0);

    public EvalCounts merge(EvalCounts o) {
        return new EvalCounts(examples + o.examples, top1 + o.top1, top5 + o.top5, lossSum + o.lossSum,
                nonFinite + o.nonFinite);
    }

    public double top1Accuracy() {
        return examples == 0 ? Double.NaN : (double) top1 / examples;
    }

    public double top5Accuracy() {
        return examples == 0 ? Double.NaN : (double) top5 / examples;
    }

    /** The mean log loss; +Infinity when any output was non-finite. */
    public double meanLoss() {
        return examples == 0 ? Double.NaN : lossSum / examples;
    }

    /** One example's probabilities (float32 network outputs are converted exactly). */
    public static EvalCounts of(float[] probabilities, int label) {
        return of(io.sparkinception.trainer.inference.Combiner.toDouble(probabilities), label);
    }

    /** One example's probabilities. */
    public static EvalCounts of(double[] probabilities, int label) {
        ExampleScore s = ExampleScore.of(probabilities, label);
        return new EvalCounts(1, s.top1() ? 1 : 0, s.topK() ? 1 : 0, s.logLoss(), s.valid() ? 0 : 1);
    }
}
