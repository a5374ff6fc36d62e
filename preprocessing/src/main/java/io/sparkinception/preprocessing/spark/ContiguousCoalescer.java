package io.sparkinception.preprocessing.spark;

import java.io.Serializable;
import org.apache.spark.Partition;
import org.apache.spark.rdd.PartitionCoalescer;
import org.apache.spark.rdd.PartitionGroup;
import org.apache.spark.rdd.RDD;
import scala.Option;

/**
 * Coalesces partitions into contiguous runs (0..a, a+1..b, ...) without a shuffle, ignoring locality: the crops
 * arrive in input order, so each shard written from a run holds a contiguous range of {@code seq}. Spark's default
 * coalescer groups cached partitions by locality, which would interleave the ranges.
 */
final class ContiguousCoalescer implements PartitionCoalescer, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public PartitionGroup[] coalesce(int maxPartitions, RDD<?> parent) {
        Partition[] ps = parent.partitions();
        int n = Math.max(1, Math.min(maxPartitions, ps.length));
        PartitionGroup[] groups = new PartitionGroup[n];
        for (int g = 0; g < n; g++) {
            groups[g] = new PartitionGroup(Option.empty());
            int from = (int) ((long) g * ps.length / n);
            int to = (int) ((long) (g + 1) * ps.length / n);
            for (int i = from; i < to; i++) {
                groups[g].partitions().addOne(ps[i]);
            }
        }
        return groups;
    }
}
