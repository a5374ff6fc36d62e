package io.sparkinception.trainer.inference;

/** One-shot evaluation of in-memory predictions; see {@link MetricsAccumulator} for the distributed form. */
public final class Metrics {
    private Metrics() {
    }

    /**
     * The metrics of {@code probs[i]} against {@code labels[i]}.
     *
     * @throws IllegalArgumentException on mismatched lengths, no examples, bad labels or bad probabilities
     *                                  (the message names the example)
     */
    public static EvaluationResult evaluate(double[][] probs, int[] labels, int numClasses) {
        if (probs.length != labels.length) {
            throw new IllegalArgumentException(probs.length + " predictions but " + labels.length + " labels");
        }
        if (probs.length == 0) {
            throw new IllegalArgumentException("no examples to evaluate");
        }
        MetricsAccumulator acc = new MetricsAccumulator(numClasses);
        for (int i = 0; i < probs.length; i++) {
            try {
                acc.add(probs[i], labels[i]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("example " + i + ": " + e.getMessage(), e);
            }
        }
        return acc.result();
    }
}
