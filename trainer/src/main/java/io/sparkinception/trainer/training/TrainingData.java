package io.sparkinception.trainer.training;

import io.sparkinception.preprocessing.DatasetMetadata;
import io.sparkinception.preprocessing.spark.ShardSchema;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Loads a split of preprocessed shards as {@link Example}s, one partition per worker: example {@code seq} goes to
 * partition {@code seq % workers}, so partitions are balanced (sizes differ by at most one) and their content
 * does not depend on how the shards were laid out or on which executor recomputes them.
 */
public final class TrainingData {
    private TrainingData() {
    }

    public static JavaRDD<Example> load(SparkSession spark, String splitDir, DatasetMetadata.Spec spec, int workers,
                                        StorageLevel level) {
        int w = workers;
        return spark.read().parquet(splitDir)
                .select(ShardSchema.SEQ, ShardSchema.LABEL, ShardSchema.PIXELS)
                .javaRDD()
                .mapToPair(row -> {
                    long seq = row.getLong(0);
                    return new Tuple2<>((int) (seq % w), new Example(seq, row.getInt(1), ShardSchema.pixels(row, spec)));
                })
                .partitionBy(new HashPartitioner(w))
                .values()
                .persist(level);
    }
}
