package io.sparkinception.trainer.training;

import io.sparkinception.trainer.training.data.PartitionExamples;

/** Examples held on the heap as floats, in {@code seq} order (tests, and RDDs of {@link Example}s). */
record ExampleArray(Example[] examples) implements PartitionExamples {
    @Override
    public int size() {
        return examples.length;
    }

    @Override
    public long seq(int i) {
        return examples[i].seq();
    }

    @Override
    public int label(int i) {
        return examples[i].label();
    }

    @Override
    public float[] pixels(int i) {
        return examples[i].chw();
    }
}
