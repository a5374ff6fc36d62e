package io.sparkinception.trainer.inference;

import java.io.Serializable;
import java.util.List;

/**
 * The metrics of one set of predictions (one member or the ensemble, one crop policy). A value object that Jackson
 * serializes as is (with the project's snake_case mapper: {@code top1_error}, {@code top5_error}, ...); renderers
 * live elsewhere. Errors are fractions in [0, 1], not percentages. The confusion array is not copied.
 *
 * @param numClasses               number of classes
 * @param examples                 examples evaluated
 * @param top1Error                fraction whose highest-probability class is not the label (ties: lowest index)
 * @param top5Error                fraction whose label is not among the 5 highest (all classes when fewer than 5)
 * @param logLoss                  mean of {@code -ln(max(p[label], 1e-7))}
 * @param expectedCalibrationError sum over the 15 bins of {@code (count/examples) * |accuracy - meanConfidence|}
 * @param perClass                 one row per class, by class index
 * @param confusion                {@code confusion[true][predicted]} counts (top-1 prediction)
 * @param reliability              the 15 equal-width confidence bins
 * @param mostConfused             the non-zero off-diagonal cells, most frequent first (ties: by true, then predicted class)
 */
public record EvaluationResult(int numClasses, long examples, double top1Error, double top5Error, double logLoss,
                               double expectedCalibrationError, List<ClassMetrics> perClass, long[][] confusion,
                               List<ReliabilityBin> reliability, List<ConfusedPair> mostConfused)
        implements Serializable {

    public EvaluationResult {
        perClass = List.copyOf(perClass);
        reliability = List.copyOf(reliability);
        mostConfused = List.copyOf(mostConfused);
    }

    /** The first {@code limit} most confused pairs. */
    public List<ConfusedPair> mostConfused(int limit) {
        return mostConfused.subList(0, Math.min(limit, mostConfused.size()));
    }
}
