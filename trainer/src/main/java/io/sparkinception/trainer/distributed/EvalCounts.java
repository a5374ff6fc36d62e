package io.sparkinception.trainer.distributed;

import java.io.Serializable;

/** Validation sums with pure {@code merge}: examples, top-1 and top-5 hits, summed cross-entropy. */
public record EvalCounts(long examples, long top1, long top5, double lossSum) implements Serializable {
    public static final EvalCounts ZERO = new EvalCounts(0, 0, 0, 0);

    public EvalCounts merge(EvalCounts o) {
        return new EvalCounts(examples + o.examples, top1 + o.top1, top5 + o.top5, lossSum + o.lossSum);
    }

    public double top1Accuracy() {
        return examples == 0 ? Double.NaN : (double) top1 / examples;
    }

    public double top5Accuracy() {
        return examples == 0 ? Double.NaN : (double) top5 / examples;
    }

    public double meanLoss() {
        return examples == 0 ? Double.NaN : lossSum / examples;
    }

    /** Adds one example's softmax output. */
    public static EvalCounts of(float[] probabilities, int label) {
        float p = probabilities[label];
        int higher = 0;
        for (float q : probabilities) {
            if (q > p) {
                higher++;
            }
        }
        double loss = -Math.log(Math.max(p, 1e-12));
        return new EvalCounts(1, higher == 0 ? 1 : 0, higher < 5 ? 1 : 0, loss);
    }
}
