package io.sparkinception.trainer.training;

import io.sparkinception.preprocessing.PixelStorage;
import io.sparkinception.preprocessing.PreprocessConfig;
import io.sparkinception.preprocessing.annotations.SourceSpec;
import io.sparkinception.preprocessing.image.Interpolation;
import io.sparkinception.preprocessing.spark.PreprocessPipeline;
import io.sparkinception.testing.TestImages;
import java.awt.image.BufferedImage;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.apache.commons.io.output.NullOutputStream;
import io.sparkinception.preprocessing.spark.ShardSchema;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/** A small generated dataset (no downloads): three classes of noisy colour patterns, preprocessed to 24 px. */
final class GeneratedData {
    private GeneratedData() {
    }

    /** Writes {@code perClass} images per class under {@code dir} and preprocesses them into {@code dir/prep}. */
    static String preprocess(SparkSession spark, Path dir, int perClass) throws Exception {
        return preprocess(spark, dir, perClass, PixelStorage.FLOAT32, 24);
    }

    /** As {@link #preprocess(SparkSession, Path, int)}, with the shards' pixels stored as {@code storage} at {@code size} px. */
    static String preprocess(SparkSession spark, Path dir, int perClass, PixelStorage storage, int size) throws Exception {
        Random r = new Random(5);
        StringBuilder csv = new StringBuilder("path,label,xmin,ymin,xmax,ymax\n");
        String[] labels = {"red", "green", "blue"};
        for (int c = 0; c < labels.length; c++) {
            for (int i = 0; i < perClass; i++) {
                BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < 28; y++) {
                    for (int x = 0; x < 28; x++) {
                        int[] rgb = {r.nextInt(80), r.nextInt(80), r.nextInt(80)};
                        rgb[c] += 120 + (c == 0 ? x * 4 : c == 1 ? y * 4 : 0);
                        img.setRGB(x, y, Math.min(rgb[0], 255) << 16 | Math.min(rgb[1], 255) << 8 | Math.min(rgb[2], 255));
                    }
                }
                String name = "img/" + labels[c] + "-" + i + ".png";
                TestImages.writePng(dir.resolve(name), img);
                csv.append(name).append(',').append(labels[c]).append(",1,1,26,26\n");
            }
        }
        Path annotations = Files.writeString(dir.resolve("boxes.csv"), csv.toString());
        String out = dir.resolve("prep").toString();
        SourceSpec source = new SourceSpec(SourceSpec.Format.CSV, annotations.toString(), "", "", null, true);
        PreprocessPipeline.run(spark, PreprocessConfig.builder(source, out).newSpec(new PreprocessConfig.NewSpec(size,
                        new PreprocessConfig.CropSpec(0.0, true, Interpolation.AREA), storage, true))
                        .shards(2).valFraction(0.2).seed(3).partitions(2).progressSeconds(60).build(),
                new PrintStream(NullOutputStream.INSTANCE));
        return out;
    }

    /**
     * A copy of a preprocessed dataset whose training example of the lowest {@code seq} has NaN pixels (a bad
     * record): the round whose minibatch holds it, and only that round of the epoch, produces a NaN loss.
     */
    static String withOneNaNExample(SparkSession spark, String prep, Path dir) throws Exception {
        Dataset<Row> train = spark.read().parquet(prep + "/train");
        long first = train.agg(functions.min(ShardSchema.SEQ)).first().getLong(0);
        String out = dir.toString();
        train.withColumn(ShardSchema.PIXELS, functions.when(functions.col(ShardSchema.SEQ).equalTo(first),
                        // float32 pixels: little-endian NaNs (0x7fc00000) as many as the values.
                        functions.expr("unhex(repeat('0000C07F', length(" + ShardSchema.PIXELS + ") div 4))"))
                        .otherwise(functions.col(ShardSchema.PIXELS)))
                .write().parquet(out + "/train");
        Files.copy(Path.of(prep, "metadata.json"), dir.resolve("metadata.json"));
        return out;
    }
}
