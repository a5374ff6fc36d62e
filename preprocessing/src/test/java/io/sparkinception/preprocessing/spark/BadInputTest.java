package io.sparkinception.preprocessing.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.preprocessing.DatasetMetadata;
import io.sparkinception.preprocessing.PixelStorage;
import io.sparkinception.preprocessing.PreprocessConfig;
import io.sparkinception.preprocessing.annotations.SkipReason;
import io.sparkinception.preprocessing.annotations.Skipped;
import io.sparkinception.preprocessing.annotations.SourceSpec;
import io.sparkinception.preprocessing.image.Interpolation;
import io.sparkinception.testing.LocalSpark;
import io.sparkinception.testing.TestImages;
import java.awt.image.BufferedImage;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.io.output.NullOutputStream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Bad input never kills the job and never disappears: each record is written or skipped with its reason. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {
    private static final PrintStream QUIET = new PrintStream(NullOutputStream.INSTANCE);
    private SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    void start() {
        spark = LocalSpark.start("bad-input");
    }

    @AfterAll
    void stop() {
        spark.stop();
    }

    private PreprocessConfig config(Path csv, Path classes, String output) {
        SourceSpec source = new SourceSpec(SourceSpec.Format.CSV, csv.toString(), "", classes == null ? "" : classes.toString(),
                null, true);
        return PreprocessConfig.builder(source, output).newSpec(new PreprocessConfig.NewSpec(16,
                new PreprocessConfig.CropSpec(0.1, true, Interpolation.BICUBIC), PixelStorage.FLOAT32, true))
                .shards(2).valFraction(0.0).seed(1).partitions(3).build();
    }

    @Test
    void everyBadRecordIsSkippedWithItsReasonAndCountsReconcile() throws Exception {
        TestImages.writePng(dir.resolve("img/good.png"), TestImages.gradient(40, 30));
        BufferedImage gray = new BufferedImage(20, 20, BufferedImage.TYPE_BYTE_GRAY);
        TestImages.writePng(dir.resolve("img/gray.png"), gray);
        TestImages.writePng(dir.resolve("img/alpha.png"), new BufferedImage(20, 20, BufferedImage.TYPE_INT_ARGB));
        Files.write(dir.resolve("img/corrupt.png"), "definitely not a png".getBytes());
        byte[] png = TestImages.png(TestImages.gradient(64, 64));
        Files.write(dir.resolve("img/truncated.png"), Arrays.copyOf(png, png.length / 3));
        Path classes = Files.writeString(dir.resolve("classes.txt"), "cat\ndog\n");
        Path csv = Files.writeString(dir.resolve("boxes.csv"), """
                path,label,xmin,ymin,xmax,ymax
                img/good.png,cat,2,2,20,20
                img/good.png,dog,10,5,39,29
                img/gray.png,dog,0,0,19,19
                img/alpha.png,cat,5,5,25,25
                img/missing.png,cat,1,1,5,5
                img/corrupt.png,cat,1,1,5,5
                img/truncated.png,cat,1,1,5,5
                img/good.png,cat,50,50,60,60
                img/good.png,cat,3,3,3,9
                img/good.png,cat,9,3,3,9
                img/good.png,zebra,2,2,20,20
                img/good.png,cat,2,2,20,20
                img/good.png,cat,two,2,20,20
                """);
        String output = dir.resolve("out").toString();
        DatasetMetadata m = PreprocessPipeline.run(spark, config(csv, classes, output), QUIET).metadata();

        Map<String, SkipReason> reasons = new TreeMap<>();
        for (Skipped s : m.skipped()) {
            reasons.put(s.location(), s.reason());
            assertTrue(!s.detail().isBlank(), "every skip explains itself: " + s);
        }
        assertEquals(Map.of(
                "boxes.csv:6", SkipReason.MISSING_FILE,
                "boxes.csv:7", SkipReason.CORRUPT_IMAGE,
                "boxes.csv:8", SkipReason.CORRUPT_IMAGE,
                "boxes.csv:9", SkipReason.BOX_OUTSIDE_IMAGE,
                "boxes.csv:10", SkipReason.ZERO_AREA_BOX,
                "boxes.csv:11", SkipReason.INVERTED_BOX,
                "boxes.csv:12", SkipReason.UNKNOWN_LABEL,
                "boxes.csv:13", SkipReason.DUPLICATE_RECORD,
                "boxes.csv:14", SkipReason.MALFORMED_RECORD), reasons);
        assertEquals(13, m.counts().inputRecords());
        assertEquals(4, m.counts().written(), "good (2 boxes), gray, alpha");
        assertEquals(9, m.counts().skipped());
        assertTrue(m.counts().reconciles());
        assertEquals(4, spark.read().parquet(output + "/train").count());
        String skippedCsv = Files.readString(Path.of(output, "skipped.csv"));
        assertEquals(10, skippedCsv.lines().count(), "header + one line per skipped record");
        assertTrue(skippedCsv.contains("missing_file"));
        assertTrue(skippedCsv.startsWith("path,id,location,reason,detail\n"), "the layout predict writes too");
        // Input alpha image has (0,0,0,0) pixels: they decode to black, not to an error.
        assertEquals(2, m.counts().perClass().get("train")[0]);
    }

    @Test
    void aFinishedOutputIsNotOverwrittenUnlessAsked() throws Exception {
        TestImages.writePng(dir.resolve("one/a.png"), TestImages.gradient(10, 10));
        Path csv = Files.writeString(dir.resolve("one.csv"), "path,label,xmin,ymin,xmax,ymax\none/a.png,x,0,0,9,9\n");
        String output = dir.resolve("out-one").toString();
        PreprocessPipeline.run(spark, config(csv, null, output), QUIET);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PreprocessPipeline.run(spark, config(csv, null, output), QUIET));
        assertTrue(e.getMessage().contains("already holds a finished run"), e.getMessage());
    }

    @Test
    void anEmptyTrainingSplitIsAClearError() throws Exception {
        TestImages.writePng(dir.resolve("v/a.png"), TestImages.gradient(10, 10));
        Path csv = Files.writeString(dir.resolve("val-only.csv"), "path,label,xmin,ymin,xmax,ymax,split\nv/a.png,x,0,0,9,9,val\n");
        SourceSpec source = new SourceSpec(SourceSpec.Format.CSV, csv.toString(), "", "",
                new SourceSpec.CsvColumns("path", "label", "xmin", "ymin", "xmax", "ymax", "split", "", ','), true);
        PreprocessConfig cfg = PreprocessConfig.builder(source, dir.resolve("out-val").toString())
                .newSpec(8, new PreprocessConfig.CropSpec(0, false, Interpolation.BILINEAR)).seed(1)
                .build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PreprocessPipeline.run(spark, cfg, QUIET));
        assertTrue(e.getMessage().contains("training split is empty"), e.getMessage());
    }
}
