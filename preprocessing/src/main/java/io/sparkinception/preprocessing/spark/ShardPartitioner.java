package io.sparkinception.preprocessing.spark;

import org.apache.spark.Partitioner;

/**
 * Sends record {@code seq} (0..records-1 within a split) to shard {@code seq * shards / records}: contiguous,
 * equally sized ranges, one Parquet file per shard, in input order.
 */
final class ShardPartitioner extends Partitioner {
    private final int shards;
    private final long records;

    ShardPartitioner(int shards, long records) {
        this.shards = shards;
        this.records = Math.max(1, records);
    }

    @Override
    public int numPartitions() {
        return shards;
    }

    @Override
    public int getPartition(Object key) {
        long seq = (Long) key;
        return (int) Math.min(shards - 1, seq * shards / records);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ShardPartitioner p && p.shards == shards && p.records == records;
    }

    @Override
    public int hashCode() {
        return 31 * shards + Long.hashCode(records);
    }
}
