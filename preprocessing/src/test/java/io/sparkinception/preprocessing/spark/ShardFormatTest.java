package io.sparkinception.preprocessing.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.common.HadoopFiles;
import io.sparkinception.preprocessing.DatasetMetadata;
import io.sparkinception.preprocessing.MetadataIO;
import io.sparkinception.preprocessing.PixelStorage;
import io.sparkinception.preprocessing.Planner;
import io.sparkinception.preprocessing.PreprocessConfig;
import io.sparkinception.preprocessing.ShardCompression;
import io.sparkinception.preprocessing.annotations.Annotation;
import io.sparkinception.preprocessing.annotations.SourceSpec;
import io.sparkinception.preprocessing.annotations.Split;
import io.sparkinception.preprocessing.image.Box;
import io.sparkinception.preprocessing.image.Interpolation;
import io.sparkinception.testing.FormatOneShards;
import io.sparkinception.testing.LocalSpark;
import io.sparkinception.testing.TestImages;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.io.output.NullOutputStream;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The shard format: format 2 writes raw values in a binary column in one pass per split, and every reader still
 * reads format 1 shards (float32 as {@code array<float>}, float32 and float16 normalized).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShardFormatTest {
    private static final PrintStream QUIET = new PrintStream(NullOutputStream.INSTANCE);
    private SparkSession spark;
    private Path dir;
    private Path csv;

    @BeforeAll
    void start(@TempDir Path tmp) {
        dir = tmp;
        spark = LocalSpark.start("shard-format");
    }

    @AfterAll
    void stop() {
        spark.stop();
    }

    /** 10 images of several sizes; 7 in train, 2 in val, and one with a box in each. */
    private Path source() throws Exception {
        if (csv == null) {
            StringBuilder rows = new StringBuilder("path,label,xmin,ymin,xmax,ymax,split\n");
            for (int i = 0; i < 10; i++) {
                TestImages.writePng(dir.resolve("img/" + i + ".png"), TestImages.gradient(12 + 3 * i, 10 + 2 * i));
                rows.append("img/").append(i).append(".png,").append(i % 2 == 0 ? "a" : "b").append(",1,1,9,8,")
                        .append(i < 7 ? "train" : "val").append('\n');
            }
            rows.append("img/9.png,a,0,2,11,9,train\n");
            csv = Files.writeString(dir.resolve("boxes.csv"), rows.toString());
        }
        return csv;
    }

    private DatasetMetadata preprocess(PixelStorage storage, String out) throws Exception {
        return preprocess(storage, ShardCompression.SNAPPY, out);
    }

    private DatasetMetadata preprocess(PixelStorage storage, ShardCompression compression, String out) throws Exception {
        SourceSpec source = new SourceSpec(SourceSpec.Format.CSV, source().toString(), "", "",
                new SourceSpec.CsvColumns("path", "label", "xmin", "ymin", "xmax", "ymax", "split", "", ','), true);
        return PreprocessPipeline.run(spark, PreprocessConfig.builder(source, out).newSpec(new PreprocessConfig.NewSpec(16,
                new PreprocessConfig.CropSpec(0.1, false, Interpolation.BILINEAR), storage, true)).partitions(3)
                .compression(compression).build(), QUIET).metadata();
    }

    /** The rows of a split directory by id, each as its list of values (pixels as a list of bytes). */
    private Map<String, List<Object>> rowsById(String splitDir) {
        Map<String, List<Object>> byId = new HashMap<>();
        for (Row row : spark.read().parquet(splitDir).collectAsList()) {
            List<Object> values = new java.util.ArrayList<>();
            for (int i = 0; i < row.length(); i++) {
                Object v = row.get(i);
                values.add(v instanceof byte[] b ? java.util.Arrays.toString(b) : v);
            }
            byId.put(row.getAs(ShardSchema.ID), values);
        }
        return byId;
    }

    /** The codec of every column chunk of every Parquet file of a split directory. */
    private static java.util.Set<CompressionCodecName> codecs(String splitDir) throws Exception {
        java.util.Set<CompressionCodecName> codecs = new java.util.HashSet<>();
        try (var files = Files.list(Path.of(splitDir))) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".parquet")).toList()) {
                try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(
                        new org.apache.hadoop.fs.Path(file.toUri()), new org.apache.hadoop.conf.Configuration()))) {
                    reader.getFooter().getBlocks().forEach(b -> b.getColumns().forEach(c -> codecs.add(c.getCodec())));
                }
            }
        }
        return codecs;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ShardCompression.class)
    void everyCompressionWritesShardsThatReadBackAsTheSnappyOnes(ShardCompression compression) throws Exception {
        String snappy = dir.resolve("codec-reference").toString();
        if (!Files.exists(Path.of(snappy, "metadata.json"))) {
            preprocess(PixelStorage.FLOAT16, ShardCompression.SNAPPY, snappy);
        }
        String out = dir.resolve("codec-" + compression.id()).toString();
        DatasetMetadata m = preprocess(PixelStorage.FLOAT16, compression, out);
        for (String split : List.of("train", "val")) {
            assertEquals(java.util.Set.of(CompressionCodecName.fromConf(compression.id())), codecs(out + "/" + split),
                    split + " is written with " + compression.id());
            assertEquals(rowsById(snappy + "/" + split), rowsById(out + "/" + split), split + ": every value of every row");
        }
        assertTrue(m.counts().reconciles());
    }

    private Map<String, float[]> tensors(String splitDir, DatasetMetadata.Spec spec) {
        Map<String, float[]> byId = new HashMap<>();
        for (Row row : spark.read().parquet(splitDir).collectAsList()) {
            byId.put(row.getAs(ShardSchema.ID), ShardSchema.pixels(row, spec));
        }
        return byId;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(PixelStorage.class)
    void shardsHoldRawValuesInABinaryColumnAndFormatOneShardsStillRead(PixelStorage storage) throws Exception {
        String out = dir.resolve("new-" + storage.id()).toString();
        DatasetMetadata m = preprocess(storage, out);
        assertEquals(DatasetMetadata.FORMAT_VERSION, FormatOneShards.formatVersion(Path.of(out)));
        assertFalse(m.spec().pixelsNormalized());
        assertEquals(Map.of("train", 8L, "val", 3L), m.counts().perSplit(), "the image with a box in each split is in both");
        assertTrue(m.counts().reconciles());
        assertEquals(DataTypes.BinaryType, spark.read().parquet(out + "/train").schema().apply(ShardSchema.PIXELS).dataType());
        Row first = spark.read().parquet(out + "/train").orderBy(ShardSchema.SEQ).first();
        byte[] stored = first.getAs(ShardSchema.PIXELS);
        assertEquals(3 * 16 * 16 * storage.bytesPerValue(), stored.length);

        // The recorded mean is the mean of the written training tensors before normalization (up to the storage's
        // rounding: half of a half float's step at 128-255, half a level for uint8).
        double rounding = storage == PixelStorage.FLOAT32 ? 1e-4 : storage == PixelStorage.FLOAT16 ? 0.0625 : 0.5;
        Map<String, float[]> train = tensors(out + "/train", m.spec());
        double[] sum = new double[3];
        long perChannel = 0;
        for (float[] px : train.values()) {
            int plane = px.length / 3;
            for (int c = 0; c < 3; c++) {
                for (int i = 0; i < plane; i++) {
                    sum[c] += (double) px[c * plane + i] * m.spec().scale()[c] + (float) m.spec().mean()[c];
                }
            }
            perChannel += plane;
        }
        for (int c = 0; c < 3; c++) {
            assertEquals(m.spec().mean()[c], sum[c] / perChannel, rounding, "channel " + c);
        }

        // A format 1 copy reads as format 1 and gives the tensors of the format 1 writer.
        Path old = Files.createDirectories(dir.resolve("old-" + storage.id()));
        FormatOneShards.copy(spark, out, old);
        DatasetMetadata o = MetadataIO.read(HadoopFiles.local(), old.toString());
        assertEquals(1, o.formatVersion());
        assertEquals(storage != PixelStorage.UINT8, o.spec().pixelsNormalized());
        if (storage == PixelStorage.FLOAT32) {
            assertTrue(spark.read().parquet(old + "/train").schema().apply(ShardSchema.PIXELS).dataType()
                    instanceof org.apache.spark.sql.types.ArrayType);
        }
        for (String split : List.of("train", "val")) {
            Map<String, float[]> now = tensors(out + "/" + split, m.spec());
            Map<String, float[]> then = tensors(old + "/" + split, o.spec());
            assertEquals(now.keySet(), then.keySet());
            // float16 of the normalized tensor (format 1) against float16 of the raw values (format 2).
            float tolerance = storage == PixelStorage.FLOAT16 ? 0.13f / (float) Math.min(m.spec().std()[0],
                    Math.min(m.spec().std()[1], m.spec().std()[2])) : 0f;
            now.forEach((id, px) -> assertArrayEquals(px, then.get(id), tolerance, id));
        }
    }

    @Test
    void reuseSpecOfAFormatOneRunWritesTheCurrentFormatWithItsStatistics() throws Exception {
        String out = dir.resolve("reuse-base").toString();
        DatasetMetadata m = preprocess(PixelStorage.FLOAT32, out);
        Path old = Files.createDirectories(dir.resolve("reuse-old"));
        FormatOneShards.copy(spark, out, old);
        String test = dir.resolve("reuse-test").toString();
        SourceSpec source = new SourceSpec(SourceSpec.Format.CSV, source().toString(), "", "", null, true);
        DatasetMetadata t = PreprocessPipeline.run(spark, PreprocessConfig.builder(source, test)
                .reuseSpec(old.resolve("metadata.json").toString()).split(Split.TEST).build(), QUIET).metadata();
        assertEquals(DatasetMetadata.FORMAT_VERSION, t.formatVersion());
        assertFalse(t.spec().pixelsNormalized(), "new shards hold raw values");
        assertArrayEquals(m.spec().mean(), t.spec().mean(), 0.0);
        assertArrayEquals(m.spec().std(), t.spec().std(), 0.0);
        Map<String, float[]> before = tensors(out + "/train", m.spec());
        Map<String, float[]> after = tensors(test + "/test", t.spec());
        assertEquals(11, after.size());
        before.forEach((id, px) -> assertArrayEquals(px, after.get(id), id));
    }

    @Test
    void eachSplitGetsTheTasksOfItsJobs() {
        Planner.Job trainJob = job("a.png#0", Split.TRAIN, 0);
        Planner.Job valJob = job("a.png#1", Split.VAL, 0);
        Planner.Job other = job("b.png#0", Split.TRAIN, 1);
        Planner.ImageTask mixed = new Planner.ImageTask("a.png", List.of(trainJob, valJob));
        Planner.ImageTask train = new Planner.ImageTask("b.png", List.of(other));
        Map<Split, List<Planner.ImageTask>> bySplit = PreprocessPipeline.tasksBySplit(List.of(mixed, train));
        assertEquals(List.of(Split.TRAIN, Split.VAL), List.copyOf(bySplit.keySet()));
        assertEquals(List.of(new Planner.ImageTask("a.png", List.of(trainJob)), train), bySplit.get(Split.TRAIN));
        assertEquals(List.of(new Planner.ImageTask("a.png", List.of(valJob))), bySplit.get(Split.VAL));
    }

    @Test
    void automaticShardsKeepEveryCoreBusyOnSmallSplits() {
        assertEquals(1, PreprocessPipeline.autoShards(2, 300), "fewer than 256 records per core: one shard");
        assertEquals(2, PreprocessPipeline.autoShards(2, 600));
        assertEquals(4, PreprocessPipeline.autoShards(4, 1075));
        assertEquals(2, PreprocessPipeline.autoShards(1, 4096), "one per 2,048 records");
        assertEquals(3, PreprocessPipeline.autoShards(1, 4097));
        assertEquals(625, PreprocessPipeline.autoShards(8, 1_280_000));
        assertEquals(1, PreprocessPipeline.autoShards(8, 0));
    }

    private static Planner.Job job(String id, Split split, long seq) {
        Annotation a = new Annotation(id, "boxes.csv:1", id, id.substring(0, id.indexOf('#')), "a", new Box(0, 0, 3, 3),
                "g", split, -1, -1);
        return new Planner.Job(a, 0, "a", split, seq);
    }
}
