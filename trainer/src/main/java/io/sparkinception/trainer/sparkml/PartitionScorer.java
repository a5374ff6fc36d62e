package io.sparkinception.trainer.sparkml;

import io.sparkinception.preprocessing.DatasetMetadata;
import io.sparkinception.preprocessing.PixelCodec;
import io.sparkinception.preprocessing.spark.ShardSchema;
import io.sparkinception.trainer.inference.BatchScorer;
import io.sparkinception.trainer.inference.Combiner;
import io.sparkinception.trainer.inference.CropPolicy;
import io.sparkinception.trainer.inference.MemberNetworks;
import io.sparkinception.trainer.inference.NetworkCache;
import io.sparkinception.trainer.inference.ScorerSettings;
import io.sparkinception.trainer.kernels.Kernels;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Executor side of {@link InceptionClassificationModel#transform}: scores the rows of one partition in batches
 * through the {@link BatchScorer} (one crop: the stored image) with a network borrowed from the executor's
 * {@link NetworkCache}, and appends {@code prediction} (the argmax, {@link Combiner#argmax}) and
 * {@code probability} to each row. Captures only the broadcast model bytes and plain values.
 */
final class PartitionScorer implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<byte[]> model;
    private final String key;
    private final DatasetMetadata.Spec spec;
    private final ScorerSettings scorer;
    private final Kernels kernels;

    /** @param inputSize the side of the network's input (the trainer's summary): the center window when smaller */
    PartitionScorer(Broadcast<byte[]> model, String key, DatasetMetadata.Spec spec, int inputSize, int batchSize,
                    Kernels kernels) {
        this.kernels = kernels;
        this.model = model;
        this.key = key;
        this.spec = spec;
        this.scorer = ScorerSettings.storedCrop(spec.channels(), spec.imageSize(), inputSize, batchSize);
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        if (!rows.hasNext()) {
            return rows;
        }
        MemberNetworks network = MemberNetworks.of(List.of(key), List.of(model.value()), kernels);
        PixelCodec codec = PixelCodec.of(spec);
        int batchSize = scorer.batchSize();
        return new Iterator<>() {
            private final List<Row> out = new ArrayList<>(batchSize);
            private int next;

            @Override
            public boolean hasNext() {
                if (next < out.size()) {
                    return true;
                }
                out.clear();
                next = 0;
                List<Row> batch = new ArrayList<>(batchSize);
                while (batch.size() < batchSize && rows.hasNext()) {
                    batch.add(rows.next());
                }
                if (batch.isEmpty()) {
                    network.close();
                    return false;
                }
                double[][] probabilities = BatchScorer.score(network.graphs(), pixels(batch, codec), CropPolicy.CENTER, scorer);
                for (int i = 0; i < batch.size(); i++) {
                    out.add(append(batch.get(i), probabilities[i]));
                }
                return true;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return out.get(next++);
            }
        };
    }

    private List<float[]> pixels(List<Row> batch, PixelCodec codec) {
        int per = spec.channels() * spec.imageSize() * spec.imageSize();
        List<float[]> chw = new ArrayList<>(batch.size());
        for (Row row : batch) {
            float[] p = ShardSchema.pixels(row, codec);
            if (p.length != per) {
                throw new IllegalArgumentException("a row's pixels hold " + p.length + " values; the model's spec ("
                        + spec.channels() + " x " + spec.imageSize() + " x " + spec.imageSize() + ") needs " + per);
            }
            chw.add(p);
        }
        return chw;
    }

    private static Row append(Row row, double[] probabilities) {
        Object[] values = new Object[row.length() + 2];
        for (int i = 0; i < row.length(); i++) {
            values[i] = row.get(i);
        }
        values[row.length()] = (double) Combiner.argmax(probabilities);
        values[row.length() + 1] = Vectors.dense(probabilities);
        return RowFactory.create(values);
    }
}
