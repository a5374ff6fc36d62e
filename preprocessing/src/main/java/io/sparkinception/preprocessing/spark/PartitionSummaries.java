package io.sparkinception.preprocessing.spark;

import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.util.AccumulatorV2;

/**
 * The {@link PartitionSummary} of every partition of a write job, keyed by partition index: the summaries come back
 * with the tasks (the job's result is the Parquet files), and {@link #merged} combines them in partition order
 * whatever order the tasks finished in, so the statistics have the same bits on any cluster. A partition reported
 * twice (a retried or speculative task) replaces its earlier summary, never adds to it.
 */
final class PartitionSummaries extends AccumulatorV2<PartitionSummaries.Entry, Map<Integer, PartitionSummary>> {
    private static final long serialVersionUID = 1L;

    /** One partition's summary. */
    record Entry(int partition, PartitionSummary summary) implements java.io.Serializable {
    }

    private final TreeMap<Integer, PartitionSummary> byPartition = new TreeMap<>();

    @Override
    public boolean isZero() {
        return byPartition.isEmpty();
    }

    @Override
    public PartitionSummaries copy() {
        PartitionSummaries c = new PartitionSummaries();
        c.byPartition.putAll(byPartition);
        return c;
    }

    @Override
    public void reset() {
        byPartition.clear();
    }

    @Override
    public void add(Entry e) {
        byPartition.put(e.partition(), e.summary());
    }

    @Override
    public void merge(AccumulatorV2<Entry, Map<Integer, PartitionSummary>> other) {
        byPartition.putAll(other.value());
    }

    @Override
    public Map<Integer, PartitionSummary> value() {
        return byPartition;
    }

    /** The summaries merged in partition order. */
    PartitionSummary merged() {
        PartitionSummary all = PartitionSummary.empty();
        for (PartitionSummary s : byPartition.values()) {
            all = all.merge(s);
        }
        return all;
    }
}
