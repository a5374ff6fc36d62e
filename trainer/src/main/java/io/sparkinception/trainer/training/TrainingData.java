package io.sparkinception.trainer.training;

import io.sparkinception.preprocessing.DatasetMetadata;
import io.sparkinception.preprocessing.spark.ShardSchema;
import io.sparkinception.trainer.training.data.PixelEncoding;
import io.sparkinception.trainer.training.data.PixelLayout;
import io.sparkinception.trainer.training.data.StoredExample;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Loads a split of preprocessed shards, one partition per worker: example {@code seq} goes to partition
 * {@code seq % workers}, so partitions are balanced (sizes differ by at most one) and their content does not
 * depend on how the shards were laid out or on which executor recomputes them.
 */
public final class TrainingData {
    private TrainingData() {
    }

    /** The split as normalized float32 {@link Example}s, persisted at {@code level} (validation, evaluation). */
    public static JavaRDD<Example> load(SparkSession spark, String splitDir, DatasetMetadata.Spec spec, int workers,
                                        StorageLevel level) {
        return partitioned(spark, splitDir, workers, row -> new Example(row.getLong(0), row.getInt(1),
                ShardSchema.pixels(row, spec))).persist(level);
    }

    /**
     * The split for training: not persisted; Spark shuffles the stored pixels (uint8, float16 or float32 as the
     * shards hold them) once, and each executor keeps a compact local copy of its partitions ({@link PartitionData})
     * that it maps within {@code capBytes} and decodes at batch time, bit for bit as {@link #load} does.
     */
    public static JavaRDD<Example> loadCompact(SparkSession spark, String splitDir, DatasetMetadata.Spec spec,
                                               int workers, long capBytes) {
        PixelEncoding encoding = PixelEncoding.of(spec.pixelStorage());
        PixelLayout layout = new PixelLayout(encoding, spec.channels(), spec.imageSize(), spec.meanFloats(), spec.scale());
        JavaRDD<StoredExample> stored = partitioned(spark, splitDir, workers, row -> new StoredExample(row.getLong(0),
                row.getInt(1), encoding.storedBytes(row, 2)));
        return new JavaRDD<>(new CompactRDD(stored.rdd(), layout, capBytes), scala.reflect.ClassTag$.MODULE$.apply(Example.class));
    }

    private static <T> JavaRDD<T> partitioned(SparkSession spark, String splitDir, int workers, Function<Row, T> value) {
        int w = workers;
        return spark.read().parquet(splitDir)
                .select(ShardSchema.SEQ, ShardSchema.LABEL, ShardSchema.PIXELS)
                .javaRDD()
                .mapToPair(row -> new Tuple2<>((int) (row.getLong(0) % w), value.call(row)))
                .partitionBy(new HashPartitioner(w))
                .values();
    }
}
