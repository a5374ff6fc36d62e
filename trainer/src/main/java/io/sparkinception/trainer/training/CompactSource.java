package io.sparkinception.trainer.training;

import io.sparkinception.trainer.training.data.PixelLayout;
import io.sparkinception.trainer.training.data.StoredExample;
import java.util.Iterator;

/**
 * The iterator of a partition of {@link TrainingData#loadCompact}: the stored examples Spark delivers, with how
 * they decode and the data memory cap. {@link PartitionData} writes them to a local copy (or reuses one) instead
 * of iterating; iterated, it decodes each example to floats (counting, tests).
 *
 * @param capBytes bytes of local copies a JVM may keep mapped at once
 */
record CompactSource(Iterator<StoredExample> stored, PixelLayout layout, long capBytes) implements Iterator<Example> {
    @Override
    public boolean hasNext() {
        return stored.hasNext();
    }

    @Override
    public Example next() {
        StoredExample e = stored.next();
        return new Example(e.seq(), e.label(), layout.decode(e.pixels(), 0));
    }
}
