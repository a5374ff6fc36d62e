package io.sparkinception.trainer.training;

import java.io.Serializable;

/**
 * One training example as the executors hold it: its position in the split, its class index and its
 * normalized CHW pixels.
 */
public record Example(long seq, int label, float[] chw) implements Serializable {
}
