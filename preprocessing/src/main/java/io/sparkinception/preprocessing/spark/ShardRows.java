package io.sparkinception.preprocessing.spark;

import io.sparkinception.preprocessing.Cropper;
import io.sparkinception.preprocessing.DatasetMetadata;
import io.sparkinception.preprocessing.PixelCodec;
import io.sparkinception.preprocessing.annotations.Skipped;
import io.sparkinception.preprocessing.annotations.Split;
import io.sparkinception.preprocessing.image.ChannelStats;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.sql.Row;

/**
 * The shard rows of one partition's crop outcomes, in order, while it summarizes them: the statistics of the
 * training crops, the skipped records and the counts per split and class. When the outcomes are exhausted the
 * summary goes to {@code summaries} under the partition's index. This is what makes preprocessing one pass: the
 * rows store raw values (no mean needed to write them), and the mean is summed from the same crops as they are
 * written.
 */
final class ShardRows implements Iterator<Row> {
    private final Iterator<Cropper.Outcome> outcomes;
    private final int partition;
    private final DatasetMetadata.Spec spec;
    private final PixelCodec codec;
    private final int classes;
    private final PartitionSummaries summaries;
    private ChannelStats stats = ChannelStats.empty(3);
    private final List<Skipped> skipped = new ArrayList<>();
    private final Map<Split, long[]> perClass = new EnumMap<>(Split.class);
    private Row next;
    private boolean reported;

    /**
     * @param spec the written spec (image size, channels, storage; its statistics are not needed)
     */
    ShardRows(Iterator<Cropper.Outcome> outcomes, int partition, DatasetMetadata.Spec spec, int classes,
              PartitionSummaries summaries) {
        this.outcomes = outcomes;
        this.partition = partition;
        this.spec = spec;
        this.codec = PixelCodec.rawValues(spec.pixelStorage(), spec.channels());
        this.classes = classes;
        this.summaries = summaries;
    }

    @Override
    public boolean hasNext() {
        while (next == null && outcomes.hasNext()) {
            Cropper.Outcome o = outcomes.next();
            if (!o.written()) {
                skipped.add(o.skipped());
                continue;
            }
            perClass.computeIfAbsent(o.job().split(), k -> new long[classes])[o.job().labelIndex()]++;
            if (o.job().split() == Split.TRAIN) {
                stats = stats.addChw(o.chw());
            }
            next = ShardSchema.toRow(o, spec, codec);
        }
        if (next == null && !reported) {
            summaries.add(new PartitionSummaries.Entry(partition, new PartitionSummary(stats, skipped, perClass)));
            reported = true;
        }
        return next != null;
    }

    @Override
    public Row next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Row r = next;
        next = null;
        return r;
    }
}
