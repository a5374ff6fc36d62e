package io.sparkinception.trainer.inference;

import java.io.Serializable;

/**
 * One class's row of the evaluation.
 *
 * @param classIndex the class
 * @param support    examples whose true label is this class
 * @param errors     of those, how many were predicted (top-1) as another class
 * @param errorRate  {@code errors / support}; null when the class has no examples
 * @param predicted  examples predicted (top-1) as this class, whatever their label
 */
public record ClassMetrics(int classIndex, long support, long errors, Double errorRate, long predicted)
        implements Serializable {
}
