package io.sparkinception.trainer.training;

import io.sparkinception.preprocessing.PixelStorage;
import io.sparkinception.preprocessing.spark.ShardSchema;
import io.sparkinception.testing.LocalSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * The scale run of BENCHMARKS.md (issue 13), in two steps so that peak RSS is measured on training alone:
 * <pre>
 *   ScaleRun generate DIR IMAGES SIZE   # uint8 shards of IMAGES distinct noisy variants of generated images at SIZE px
 *   ScaleRun train DIR OUT CAP_MB ROUNDS  # googlenet width 0.25 in local[2], 2 workers, data-memory-cap CAP_MB
 * </pre>
 */
public final class ScaleRun {
    private ScaleRun() {
    }

    public static void main(String[] args) throws Exception {
        SparkSession spark = LocalSpark.start("scale-run");
        try {
            if (args[0].equals("generate")) {
                generate(spark, Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            } else {
                TrainConfig cfg = TrainConfig.load(null, Map.ofEntries(Map.entry("data", args[1]), Map.entry("output", args[2]),
                        Map.entry("family", "googlenet"), Map.entry("width", "0.25"), Map.entry("min-filters", "8"),
                        Map.entry("workers", "2"), Map.entry("batch-size-per-worker", "8"),
                        Map.entry("averaging-frequency", "2"), Map.entry("max-rounds", args[4]),
                        Map.entry("validate-every-epochs", "0"), Map.entry("data-memory-cap", args[3]),
                        Map.entry("prefetch", "1")));
                DistributedTrainer.run(spark, cfg, System.out);
            }
        } finally {
            spark.stop();
        }
    }

    /** Preprocesses a small generated set at {@code size} px, then writes {@code images} distinct variants of it. */
    static void generate(SparkSession spark, Path dir, int images, int size) throws Exception {
        String base = GeneratedData.preprocess(spark, Files.createDirectories(dir.resolve("base")), 10, PixelStorage.UINT8, size);
        Dataset<Row> train = spark.read().parquet(base + "/train");
        List<Row> rows = train.collectAsList();
        int seqField = train.schema().fieldIndex(ShardSchema.SEQ);
        int pixelsField = train.schema().fieldIndex(ShardSchema.PIXELS);
        JavaRDD<Row> big = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(LongStream.range(0, images).boxed().toList(), 16)
                .map(i -> {
                    Row r = rows.get((int) (i % rows.size()));
                    Object[] v = new Object[r.size()];
                    for (int f = 0; f < v.length; f++) {
                        v[f] = r.get(f);
                    }
                    byte[] px = ((byte[]) r.get(pixelsField)).clone();
                    SplittableRandom rnd = new SplittableRandom(i);
                    for (int j = 0; j < px.length; j++) {
                        px[j] = (byte) Math.max(0, Math.min(255, (px[j] & 0xff) + rnd.nextInt(-12, 13)));
                    }
                    v[pixelsField] = px;
                    v[seqField] = i;
                    return RowFactory.create(v);
                });
        String out = dir.resolve("big").toString();
        spark.createDataFrame(big, train.schema()).write().parquet(out + "/train");
        Files.copy(Path.of(base, "metadata.json"), Path.of(out, "metadata.json"));
    }
}
