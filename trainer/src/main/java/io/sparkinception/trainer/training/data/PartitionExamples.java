package io.sparkinception.trainer.training.data;

/** The examples of one partition in {@code seq} order, as a worker reads them to assemble its minibatches. */
public interface PartitionExamples {
    int size();

    /** The {@code seq} of the i-th example (ascending in i). */
    long seq(int i);

    int label(int i);

    /** The normalized CHW pixels of the i-th example; callers must not modify the array. */
    float[] pixels(int i);
}
