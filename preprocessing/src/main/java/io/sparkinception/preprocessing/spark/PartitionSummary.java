package io.sparkinception.preprocessing.spark;

import io.sparkinception.preprocessing.annotations.Skipped;
import io.sparkinception.preprocessing.annotations.Split;
import io.sparkinception.preprocessing.image.ChannelStats;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What a run (or a part of it) made of its records: the statistics of the training crops, the skipped records,
 * and the written records per split and class. Pure {@link #merge}; merged in partition order it gives the same bits
 * on any cluster.
 */
record PartitionSummary(ChannelStats trainStats, List<Skipped> skipped, Map<Split, long[]> perClass)
        implements Serializable {

    static PartitionSummary empty() {
        return new PartitionSummary(ChannelStats.empty(3), List.of(), Map.of());
    }

    /** Records skipped before any image was read (the plan's). */
    static PartitionSummary skippedOnly(List<Skipped> skipped) {
        return new PartitionSummary(ChannelStats.empty(3), List.copyOf(skipped), Map.of());
    }

    PartitionSummary merge(PartitionSummary other) {
        List<Skipped> s = new ArrayList<>(skipped);
        s.addAll(other.skipped);
        Map<Split, long[]> counts = new EnumMap<>(Split.class);
        perClass.forEach((split, c) -> counts.put(split, c.clone()));
        other.perClass.forEach((split, c) -> {
            long[] acc = counts.computeIfAbsent(split, k -> new long[c.length]);
            for (int i = 0; i < c.length; i++) {
                acc[i] += c[i];
            }
        });
        return new PartitionSummary(trainStats.merge(other.trainStats), s, counts);
    }

    /** Records written to a split. */
    long written(Split split) {
        long[] c = perClass.get(split);
        return c == null ? 0 : java.util.Arrays.stream(c).sum();
    }
}
