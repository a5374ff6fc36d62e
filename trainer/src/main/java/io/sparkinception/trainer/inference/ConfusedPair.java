package io.sparkinception.trainer.inference;

import java.io.Serializable;

/** An off-diagonal cell of the confusion matrix: {@code count} examples of {@code trueClass} predicted as {@code predictedClass}. */
public record ConfusedPair(int trueClass, int predictedClass, long count) implements Serializable {
}
