package io.sparkinception.preprocessing.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.common.Json;
import io.sparkinception.preprocessing.DatasetMetadata;
import io.sparkinception.preprocessing.MetadataIO;
import io.sparkinception.preprocessing.PixelStorage;
import io.sparkinception.preprocessing.PreprocessConfig;
import io.sparkinception.preprocessing.annotations.SourceSpec;
import io.sparkinception.preprocessing.annotations.Split;
import io.sparkinception.preprocessing.image.Interpolation;
import io.sparkinception.common.HadoopFiles;
import io.sparkinception.testing.LocalSpark;
import io.sparkinception.testing.SharedData;
import java.awt.image.BufferedImage;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.apache.commons.io.output.NullOutputStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The job end to end in local[2] on the shared GTSRB and BCCD data. */
@Tag("e2e") // shared GTSRB/BCCD data, local[2]
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PreprocessSharedDataTest {
    private static final PrintStream QUIET = new PrintStream(NullOutputStream.INSTANCE);
    private SparkSession spark;

    @TempDir
    Path out;

    @BeforeAll
    void start() {
        spark = LocalSpark.start("preprocess-shared-data");
    }

    @AfterAll
    void stop() {
        spark.stop();
    }

    private PreprocessConfig config(SourceSpec source, String output, int size, PixelStorage storage,
                                    Interpolation interpolation) {
        return PreprocessConfig.builder(source, output).newSpec(new PreprocessConfig.NewSpec(size,
                new PreprocessConfig.CropSpec(0, false, interpolation), storage, false)).overwrite(true).build();
    }

    private SourceSpec gtsrb(String csv) {
        return new SourceSpec(SourceSpec.Format.GTSRB, SharedData.data("gtsrb/" + csv).toString(), "",
                SharedData.data("gtsrb/signnames.csv").toString(), null, true);
    }

    @Test
    void gtsrbTrainAndHeldOutTest() throws Exception {
        String trainOut = out.resolve("gtsrb").toString();
        PreprocessPipeline.Result r = PreprocessPipeline.run(spark,
                config(gtsrb("Train.csv"), trainOut, 32, PixelStorage.FLOAT32, Interpolation.BILINEAR), QUIET);
        DatasetMetadata m = r.metadata();
        assertTrue(m.counts().reconciles());
        assertEquals(3921, m.counts().inputRecords());
        assertEquals(3921, m.counts().written(), "the shared GTSRB subset has no bad record");
        for (long n : m.counts().perClass().get("train")) {
            assertTrue(n > 0, "every class present in train");
        }
        assertEquals(43, m.classes().size());
        assertEquals(Json.toJson(m), Json.toJson(MetadataIO.read(HadoopFiles.local(), trainOut)), "metadata.json round-trips");

        List<Row> train = spark.read().parquet(trainOut + "/train").collectAsList();
        List<Row> val = spark.read().parquet(trainOut + "/val").collectAsList();
        assertEquals(m.counts().perSplit().get("train"), train.size());
        assertEquals(m.counts().perSplit().get("val"), val.size());

        // Group-aware split: no track in both splits.
        Set<String> trainGroups = new HashSet<>();
        train.forEach(row -> trainGroups.add(row.getAs(ShardSchema.GROUP)));
        for (Row row : val) {
            assertTrue(!trainGroups.contains(row.<String>getAs(ShardSchema.GROUP)), "track in two splits: " + row.getAs(ShardSchema.GROUP));
        }

        // The recorded mean is the mean of the written training tensors before subtraction.
        DatasetMetadata.Spec spec = m.spec();
        double[] sum = new double[3];
        long perChannel = 0;
        for (Row row : train) {
            float[] px = ShardSchema.pixels(row, spec);
            int plane = px.length / 3;
            for (int c = 0; c < 3; c++) {
                for (int i = 0; i < plane; i++) {
                    sum[c] += px[c * plane + i] + (float) spec.mean()[c];
                }
            }
            perChannel += plane;
        }
        for (int c = 0; c < 3; c++) {
            assertEquals(spec.mean()[c], sum[c] / perChannel, 1e-4, "channel " + c);
        }

        // Pixels equal an independent recomputation (straight bilinear sampling of the decoded PNG).
        Map<String, Row> byId = new HashMap<>();
        train.forEach(row -> byId.put(row.getAs(ShardSchema.ID), row));
        int checked = 0;
        for (Row row : train.subList(0, 25)) {
            Row box = row.getAs(ShardSchema.BOX);
            BufferedImage img = ImageIO.read(SharedData.data("gtsrb/" + row.<String>getAs(ShardSchema.SOURCE_PATH)).toFile());
            float[] expected = referenceBilinear(img, box.getInt(0), box.getInt(1), box.getInt(2), box.getInt(3), 32, spec);
            assertArrayEquals(expected, ShardSchema.pixels(row, spec), 1e-3f, row.<String>getAs(ShardSchema.ID));
            checked++;
        }
        assertEquals(25, checked);

        // The official test set, preprocessed with the training spec.
        String testOut = out.resolve("gtsrb-test").toString();
        DatasetMetadata t = PreprocessPipeline.run(spark, PreprocessConfig.builder(gtsrb("Test.csv"), testOut)
                .reuseSpec(trainOut + "/metadata.json").split(Split.TEST).overwrite(true).build(), QUIET).metadata();
        assertEquals(1075, t.counts().written());
        assertEquals(Map.of("test", 1075L), t.counts().perSplit());
        assertArrayEquals(spec.mean(), t.spec().mean(), 0.0, "test set normalized with the training mean");
        assertEquals(32, t.spec().imageSize());
        assertEquals(m.classes(), t.classes());
        assertEquals(1075, spark.read().parquet(testOut + "/test").count());
    }

    /** Bilinear resampling with pixel-centre alignment, written independently of Resize. */
    private static float[] referenceBilinear(BufferedImage img, int x1, int y1, int x2, int y2, int size,
                                             DatasetMetadata.Spec spec) {
        int w = x2 - x1 + 1;
        int h = y2 - y1 + 1;
        float[] out = new float[3 * size * size];
        for (int oy = 0; oy < size; oy++) {
            double sy = (oy + 0.5) * h / size - 0.5;
            for (int ox = 0; ox < size; ox++) {
                double sx = (ox + 0.5) * w / size - 0.5;
                for (int c = 0; c < 3; c++) {
                    int x0 = (int) Math.floor(sx);
                    int y0 = (int) Math.floor(sy);
                    double fx = sx - x0;
                    double fy = sy - y0;
                    double v = (1 - fy) * ((1 - fx) * px(img, x1, y1, w, h, x0, y0, c) + fx * px(img, x1, y1, w, h, x0 + 1, y0, c))
                            + fy * ((1 - fx) * px(img, x1, y1, w, h, x0, y0 + 1, c) + fx * px(img, x1, y1, w, h, x0 + 1, y0 + 1, c));
                    out[c * size * size + oy * size + ox] = (float) (v - spec.mean()[c]);
                }
            }
        }
        return out;
    }

    private static double px(BufferedImage img, int x1, int y1, int w, int h, int x, int y, int c) {
        int cx = Math.max(0, Math.min(w - 1, x));
        int cy = Math.max(0, Math.min(h - 1, y));
        int rgb = img.getRGB(x1 + cx, y1 + cy);
        return (rgb >> (16 - 8 * c)) & 0xff;
    }

    @Test
    void bccdVocAllStorages() throws Exception {
        SourceSpec voc = new SourceSpec(SourceSpec.Format.VOC, SharedData.data("bccd/BCCD").toString(), "", "", null, true);
        Map<PixelStorage, Map<String, float[]>> byStorage = new HashMap<>();
        DatasetMetadata first = null;
        for (PixelStorage storage : PixelStorage.values()) {
            String dir = out.resolve("bccd-" + storage.id()).toString();
            DatasetMetadata m = PreprocessPipeline.run(spark,
                    config(voc, dir, 24, storage, Interpolation.AREA), QUIET).metadata();
            assertEquals(4888, m.counts().inputRecords());
            assertEquals(4886, m.counts().written());
            assertEquals(Map.of("zero_area_box", 2L), m.counts().skippedByReason());
            assertEquals(List.of("BloodImage_00338.jpg#12", "BloodImage_00343.jpg#3"),
                    m.skipped().stream().map(s -> s.id()).sorted().toList());
            assertEquals(List.of("Platelets", "RBC", "WBC"), m.classes().stream().map(c -> c.name()).toList());
            assertEquals(Map.of("train", 2804L, "val", 1137L, "test", 945L), m.counts().perSplit(),
                    "the splits of ImageSets/Main");
            if (first != null) {
                assertArrayEquals(first.spec().mean(), m.spec().mean(), 0.0, "the mean does not depend on storage");
            }
            first = m;
            Map<String, float[]> px = new HashMap<>();
            for (Row row : spark.read().parquet(dir + "/val").limit(200).collectAsList()) {
                px.put(row.getAs(ShardSchema.ID), ShardSchema.pixels(row, m.spec()));
            }
            byStorage.put(storage, px);
        }
        Map<String, float[]> exact = byStorage.get(PixelStorage.FLOAT32);
        for (Map.Entry<String, float[]> e : byStorage.get(PixelStorage.FLOAT16).entrySet()) {
            assertArrayEquals(exact.get(e.getKey()), e.getValue(), 0.13f, "float16 keeps ~3 digits");
        }
        for (Map.Entry<String, float[]> e : byStorage.get(PixelStorage.UINT8).entrySet()) {
            assertArrayEquals(exact.get(e.getKey()), e.getValue(), 0.5001f, "uint8 rounds to whole levels");
        }
    }
}
