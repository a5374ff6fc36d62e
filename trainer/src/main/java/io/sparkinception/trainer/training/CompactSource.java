package io.sparkinception.trainer.training;

import io.sparkinception.trainer.training.data.PixelLayout;
import io.sparkinception.trainer.training.data.StoredExample;
import java.util.Iterator;
import java.util.function.Supplier;

/**
 * The iterator of a partition of {@link TrainingData#loadCompact}: the stored examples Spark delivers (opened on
 * first use), with how they decode and the data memory cap. {@link PartitionData} writes them to a local copy, or
 * reuses one without opening them; iterated, it decodes each example to floats (counting, tests).
 */
final class CompactSource implements Iterator<Example> {
    private final Supplier<Iterator<StoredExample>> open;
    private final PixelLayout layout;
    private final long capBytes;
    private Iterator<StoredExample> stored;

    /** @param capBytes bytes of local copies a JVM may keep mapped at once */
    CompactSource(Supplier<Iterator<StoredExample>> open, PixelLayout layout, long capBytes) {
        this.open = open;
        this.layout = layout;
        this.capBytes = capBytes;
    }

    PixelLayout layout() {
        return layout;
    }

    long capBytes() {
        return capBytes;
    }

    /** The stored examples (the parent partition is computed, e.g. the shuffle read, at the first call). */
    Iterator<StoredExample> stored() {
        if (stored == null) {
            stored = open.get();
        }
        return stored;
    }

    @Override
    public boolean hasNext() {
        return stored().hasNext();
    }

    @Override
    public Example next() {
        StoredExample e = stored().next();
        return new Example(e.seq(), e.label(), layout.decode(e.pixels(), 0));
    }
}
