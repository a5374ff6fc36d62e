package io.sparkinception.trainer.training;

import io.sparkinception.preprocessing.DatasetMetadata;
import io.sparkinception.preprocessing.spark.ShardSchema;
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
        return partitioned(spark, splitDir, spec, workers, row -> new Example(row.getLong(0), row.getInt(1),
                ShardSchema.pixels(row, spec))).persist(level);
    }

    /**
     * The split for training: not persisted; Spark shuffles the stored pixels (uint8, float16 or float32 as the
     * shards hold them) once, and each executor keeps a compact local copy of its partitions ({@link PartitionData})
     * that it maps within {@code capBytes} and decodes at batch time, bit for bit as {@link #load} does.
     */
    public static JavaRDD<Example> loadCompact(SparkSession spark, String splitDir, DatasetMetadata.Spec spec,
                                               int workers, long capBytes) {
        PixelLayout layout = PixelLayout.of(spec);
        JavaRDD<StoredExample> stored = partitioned(spark, splitDir, spec, workers, row -> new StoredExample(row.getLong(0),
                row.getInt(1), ShardSchema.storedBytes(row, 2)));
        return new JavaRDD<>(new CompactRDD(stored.rdd(), layout, capBytes), scala.reflect.ClassTag$.MODULE$.apply(Example.class));
    }

    private static <T> JavaRDD<T> partitioned(SparkSession spark, String splitDir, DatasetMetadata.Spec spec, int workers,
                                              Function<Row, T> value) {
        int w = workers;
        JavaRDD<Row> rows = withReaderBatch(spark, readerBatchRows(spec), () -> spark.read().parquet(splitDir)
                .select(ShardSchema.SEQ, ShardSchema.LABEL, ShardSchema.PIXELS)
                .javaRDD());
        return rows.mapToPair(row -> new Tuple2<>((int) (row.getLong(0) % w), value.call(row)))
                .partitionBy(new HashPartitioner(w))
                .values();
    }

    /** Bytes one columnar batch of the Parquet reader may hold per task. */
    static final long READER_BATCH_BYTES = 16L << 20;
    private static final String READER_BATCH = "spark.sql.parquet.columnarReaderBatchSize";

    /**
     * Rows per columnar batch so a batch of float32 pixels stays near {@link #READER_BATCH_BYTES}: Spark's default,
     * 4096 rows, reserves 276 MB per task for 75 px float32 shards and ran a 1 GB driver out of heap in local[2].
     */
    static int readerBatchRows(DatasetMetadata.Spec spec) {
        long bytesPerRow = 4L * spec.channels() * spec.imageSize() * spec.imageSize();
        return (int) Math.max(1, Math.min(4096, READER_BATCH_BYTES / Math.max(1, bytesPerRow)));
    }

    /**
     * Plans the read with Spark's Parquet batch size set to {@code rows} (the reader captures it when the RDD is
     * built), then gives the session its own setting back.
     */
    private static JavaRDD<Row> withReaderBatch(SparkSession spark, int rows, java.util.function.Supplier<JavaRDD<Row>> read) {
        synchronized (TrainingData.class) {
            scala.Option<String> before = spark.conf().getOption(READER_BATCH);
            spark.conf().set(READER_BATCH, Integer.toString(rows));
            try {
                return read.get();
            } finally {
                if (before.isDefined()) {
                    spark.conf().set(READER_BATCH, before.get());
                } else {
                    spark.conf().unset(READER_BATCH);
                }
            }
        }
    }
}
