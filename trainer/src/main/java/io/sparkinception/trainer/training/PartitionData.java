package io.sparkinception.trainer.training;

import io.sparkinception.trainer.training.data.LocalCopies;
import io.sparkinception.trainer.training.data.PartitionExamples;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The examples of one partition, per executor JVM across rounds (keyed by dataset id and partition), in
 * {@code seq} order. A partition of {@link TrainingData#loadCompact} is a compact local copy ({@link LocalCopies}:
 * stored pixels on local disk, memory-mapped within the data memory cap); any other RDD of examples is held on
 * the heap as floats. An executor that lost its copy (a new JVM after a failure, a lost local dir) rebuilds it
 * from the partition's iterator, which Spark recomputes from the same lineage: the same examples in the same order.
 */
public final class PartitionData {
    private static final Map<String, ExampleArray> ON_HEAP = new ConcurrentHashMap<>();

    private PartitionData() {
    }

    public static PartitionExamples get(String datasetId, int partition, Iterator<Example> source) {
        if (source instanceof CompactSource c) {
            return LocalCopies.open(datasetId, partition, c.layout(), c.capBytes(), c.stored());
        }
        return ON_HEAP.computeIfAbsent(datasetId + "#" + partition, k -> {
            List<Example> list = new ArrayList<>();
            source.forEachRemaining(list::add);
            list.sort(Comparator.comparingLong(Example::seq));
            return new ExampleArray(list.toArray(new Example[0]));
        });
    }

    /** Drops every partition of a dataset this JVM holds, on the heap or on local disk (end of a training run). */
    public static void evict(String datasetId) {
        ON_HEAP.keySet().removeIf(k -> k.startsWith(datasetId + "#"));
        LocalCopies.evict(datasetId);
    }
}
