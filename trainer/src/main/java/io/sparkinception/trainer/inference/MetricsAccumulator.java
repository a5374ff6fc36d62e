package io.sparkinception.trainer.inference;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Running sums of the evaluation metrics: executors {@link #add} their examples, the driver {@link #merge}s the
 * partial accumulators in partition order and calls {@link #result()}. Counts are exact; the two double sums
 * (log loss, confidence) depend on the order of addition in the last bits only, so fix the merge order for
 * reproducible reports.
 *
 * <p>Mutable, for speed (the confusion matrix is numClasses²): {@code add} and {@code merge} update this
 * accumulator and return it, which is what Spark's {@code aggregate}/{@code treeAggregate} allow for their first
 * argument; {@code merge} never modifies its argument. Not thread-safe.
 */
public final class MetricsAccumulator implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The k of the top-k error ({@link ExampleScore#TOP_K}). */
    public static final int TOP_K = ExampleScore.TOP_K;
    /** Equal-width confidence bins of the reliability curve and the expected calibration error (Guo et al. 2017). */
    public static final int CALIBRATION_BINS = 15;
    /** Probabilities are clamped to at least this before the log in the log loss ({@link ExampleScore}). */
    public static final double LOG_LOSS_EPSILON = ExampleScore.LOG_LOSS_EPSILON;

    private final int numClasses;
    private long examples;
    private long top1Correct;
    private long top5Correct;
    private double logLossSum;
    private final long[][] confusion;
    private final long[] binCount = new long[CALIBRATION_BINS];
    private final long[] binCorrect = new long[CALIBRATION_BINS];
    private final double[] binConfidenceSum = new double[CALIBRATION_BINS];

    public MetricsAccumulator(int numClasses) {
        if (numClasses <= 0) {
            throw new IllegalArgumentException("number of classes must be positive, got " + numClasses);
        }
        this.numClasses = numClasses;
        this.confusion = new long[numClasses][numClasses];
    }

    public int numClasses() {
        return numClasses;
    }

    public long examples() {
        return examples;
    }

    /**
     * Adds one example.
     *
     * @param probs the combined probabilities, one per class, finite and non-negative
     * @param label the true class
     * @return this accumulator
     */
    public MetricsAccumulator add(double[] probs, int label) {
        if (probs.length != numClasses) {
            throw new IllegalArgumentException("prediction has " + probs.length + " classes, the accumulator "
                    + numClasses);
        }
        if (label < 0 || label >= numClasses) {
            throw new IllegalArgumentException("label " + label + " outside 0.." + (numClasses - 1));
        }
        // evaluate refuses a non-finite prediction with the class it names (training's validation counts it wrong).
        Combiner.checkProbabilities(probs, "prediction");
        ExampleScore score = ExampleScore.of(probs, label);
        int predicted = score.predicted();
        boolean correct = score.top1();
        examples++;
        if (correct) {
            top1Correct++;
        }
        if (score.topK()) {
            top5Correct++;
        }
        logLossSum += score.logLoss();
        confusion[label][predicted]++;
        double confidence = probs[predicted];
        int bin = bin(confidence);
        binCount[bin]++;
        binConfidenceSum[bin] += confidence;
        if (correct) {
            binCorrect[bin]++;
        }
        return this;
    }

    /** Adds a float32 prediction. */
    public MetricsAccumulator add(float[] probs, int label) {
        return add(Combiner.toDouble(probs), label);
    }

    /** The bin of a confidence: bin b holds {@code (b/15, (b+1)/15]}; 0 goes to bin 0, values above 1 to the last. */
    static int bin(double confidence) {
        int b = Math.max(0, Math.min(CALIBRATION_BINS - 1, (int) Math.ceil(confidence * CALIBRATION_BINS) - 1));
        // The product rounds; settle against the edges as reported (b / 15.0), so a bin holds exactly (lower, upper].
        while (b < CALIBRATION_BINS - 1 && confidence > (b + 1) / (double) CALIBRATION_BINS) {
            b++;
        }
        while (b > 0 && confidence <= b / (double) CALIBRATION_BINS) {
            b--;
        }
        return b;
    }

    /** Adds {@code other}'s sums to this one's (other is unchanged). */
    public MetricsAccumulator merge(MetricsAccumulator other) {
        if (other.numClasses != numClasses) {
            throw new IllegalArgumentException("cannot merge metrics of " + other.numClasses + " classes into "
                    + numClasses);
        }
        examples += other.examples;
        top1Correct += other.top1Correct;
        top5Correct += other.top5Correct;
        logLossSum += other.logLossSum;
        for (int t = 0; t < numClasses; t++) {
            for (int p = 0; p < numClasses; p++) {
                confusion[t][p] += other.confusion[t][p];
            }
        }
        for (int b = 0; b < CALIBRATION_BINS; b++) {
            binCount[b] += other.binCount[b];
            binCorrect[b] += other.binCorrect[b];
            binConfidenceSum[b] += other.binConfidenceSum[b];
        }
        return this;
    }

    /** An independent copy. */
    public MetricsAccumulator copy() {
        return new MetricsAccumulator(numClasses).merge(this);
    }

    /**
     * The metrics of the examples added so far.
     *
     * @throws IllegalStateException when no example was added
     */
    public EvaluationResult result() {
        if (examples == 0) {
            throw new IllegalStateException("no examples were evaluated");
        }
        double n = examples;
        List<ClassMetrics> perClass = new ArrayList<>(numClasses);
        long[] predictedAs = new long[numClasses];
        for (int t = 0; t < numClasses; t++) {
            for (int p = 0; p < numClasses; p++) {
                predictedAs[p] += confusion[t][p];
            }
        }
        for (int t = 0; t < numClasses; t++) {
            long support = 0;
            for (long v : confusion[t]) {
                support += v;
            }
            long errors = support - confusion[t][t];
            perClass.add(new ClassMetrics(t, support, errors, support == 0 ? null : errors / (double) support,
                    predictedAs[t]));
        }
        List<ReliabilityBin> bins = new ArrayList<>(CALIBRATION_BINS);
        double ece = 0;
        for (int b = 0; b < CALIBRATION_BINS; b++) {
            long c = binCount[b];
            bins.add(new ReliabilityBin(b, b / (double) CALIBRATION_BINS, (b + 1) / (double) CALIBRATION_BINS, c,
                    c == 0 ? null : binConfidenceSum[b] / c, c == 0 ? null : binCorrect[b] / (double) c));
            ece += Math.abs(binCorrect[b] - binConfidenceSum[b]) / n;
        }
        long[][] matrix = new long[numClasses][];
        for (int t = 0; t < numClasses; t++) {
            matrix[t] = confusion[t].clone();
        }
        return new EvaluationResult(numClasses, examples, 1 - top1Correct / n, 1 - top5Correct / n, logLossSum / n,
                ece, perClass, matrix, bins, mostConfused(matrix));
    }

    /** The non-zero off-diagonal cells, by count descending, then true class, then predicted class. */
    static List<ConfusedPair> mostConfused(long[][] confusion) {
        List<ConfusedPair> pairs = new ArrayList<>();
        for (int t = 0; t < confusion.length; t++) {
            for (int p = 0; p < confusion[t].length; p++) {
                if (t != p && confusion[t][p] > 0) {
                    pairs.add(new ConfusedPair(t, p, confusion[t][p]));
                }
            }
        }
        pairs.sort(Comparator.comparingLong(ConfusedPair::count).reversed()
                .thenComparingInt(ConfusedPair::trueClass).thenComparingInt(ConfusedPair::predictedClass));
        return pairs;
    }
}
