package io.sparkinception.trainer.training;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The examples of one partition, held per executor JVM across rounds (keyed by dataset id and partition), in
 * {@code seq} order. An executor that lost its cache (a new JVM after a failure) rebuilds it from the partition's
 * iterator, which Spark recomputes from the same lineage: the same examples in the same order.
 */
public final class PartitionData {
    private static final Map<String, Example[]> CACHE = new ConcurrentHashMap<>();

    private PartitionData() {
    }

    public static Example[] get(String datasetId, int partition, Iterator<Example> source) {
        return CACHE.computeIfAbsent(datasetId + "#" + partition, k -> {
            List<Example> list = new ArrayList<>();
            source.forEachRemaining(list::add);
            list.sort(Comparator.comparingLong(Example::seq));
            return list.toArray(new Example[0]);
        });
    }

    /** Drops every cached partition of a dataset (end of a training run). */
    public static void evict(String datasetId) {
        CACHE.keySet().removeIf(k -> k.startsWith(datasetId + "#"));
    }
}
