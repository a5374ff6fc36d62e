package io.sparkinception.trainer.predict;

import io.sparkinception.trainer.inference.TopK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.preprocessing.Cropper;
import io.sparkinception.preprocessing.DatasetMetadata;
import io.sparkinception.preprocessing.Planner;
import io.sparkinception.preprocessing.annotations.Annotation;
import io.sparkinception.preprocessing.annotations.ClassInfo;
import io.sparkinception.preprocessing.annotations.ReadResult;
import io.sparkinception.preprocessing.annotations.SkipReason;
import io.sparkinception.preprocessing.annotations.Skipped;
import io.sparkinception.preprocessing.annotations.Split;
import io.sparkinception.preprocessing.image.Box;
import io.sparkinception.preprocessing.image.FloatImage;
import io.sparkinception.preprocessing.image.ImageDecoder;
import io.sparkinception.preprocessing.spark.ShardSchema;
import io.sparkinception.testing.TestImages;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.junit.jupiter.api.Test;

/** The Spark-free pieces of predict: crop preparation, planning, top-k, the table renderers, the config. */
class PredictPiecesTest {

    private static DatasetMetadata.Spec spec(String storage, double margin, boolean square) {
        return new DatasetMetadata.Spec(16, 3, "CHW", storage, "area", margin, square, true,
                new double[] {120.5, 99.25, 80}, new double[] {50, 60.5, 70}, 1000);
    }

    @Test
    void cropsEqualWhatPreprocessStoresAndTheShardReaderReturns() throws Exception {
        byte[] png = TestImages.png(TestImages.gradient(40, 30));
        FloatImage image = ImageDecoder.decodeRgb(png);
        for (String storage : List.of("float32", "float16", "uint8")) {
            for (Box box : List.of(new Box(3, 4, 20, 25), new Box(30, 0, 45, 12), CropPreparer.wholeImage(40, 30))) {
                DatasetMetadata.Spec spec = spec(storage, 0.1, true);
                Annotation a = new Annotation("id", "loc", "p.png", "p.png", "0", box, "g", Split.TEST, -1, -1);
                Cropper.Outcome o = Cropper.of(spec).process(new Planner.ImageTask("p.png",
                        List.of(new Planner.Job(a, 0, "zero", Split.TEST, 0))), png).get(0);
                float[] stored = ShardSchema.pixels(asReadFromParquet(ShardSchema.toRow(o, spec), spec), spec);
                float[] prepared = new CropPreparer(spec).prepare(image, box);
                assertEquals(3 * 16 * 16, prepared.length);
                assertArrayEquals(stored, prepared, storage + " " + box);
            }
        }
    }

    /** The row as a Parquet reader returns it: with its schema, arrays as Scala sequences. */
    private static Row asReadFromParquet(Row row, DatasetMetadata.Spec spec) {
        Object[] values = new Object[row.length()];
        for (int i = 0; i < values.length; i++) {
            Object v = row.get(i);
            if (v instanceof float[] f) {
                List<Float> boxed = new ArrayList<>(f.length);
                for (float x : f) {
                    boxed.add(x);
                }
                v = scala.jdk.javaapi.CollectionConverters.asScala(boxed).toSeq();
            }
            values[i] = v;
        }
        return new GenericRowWithSchema(values, ShardSchema.schema());
    }

    @Test
    void wholeImageBoxCoversEveryPixelWhateverTheMargin() throws Exception {
        FloatImage image = ImageDecoder.decodeRgb(TestImages.png(TestImages.gradient(40, 30)));
        float[] withMargin = new CropPreparer(spec("float32", 0.3, true)).prepare(image, CropPreparer.wholeImage(40, 30));
        float[] without = new CropPreparer(spec("float32", 0, false)).prepare(image, CropPreparer.wholeImage(40, 30));
        // The grown (and squared) region is clamped back to the image: the same pixels are resized.
        assertArrayEquals(without, withMargin);
    }

    @Test
    void planKeepsEveryRecordAndSkipsOnlyImpossibleBoxes() {
        Annotation ok1 = new Annotation("a", "t.csv:2", "x.png", "/d/x.png", "3", new Box(0, 0, 9, 9), "g", null, -1, -1);
        Annotation inverted = new Annotation("b", "t.csv:3", "y.png", "/d/y.png", "3", new Box(5, 0, 1, 9), "g", null, -1, -1);
        Annotation unknownLabel = new Annotation("c", "t.csv:4", "z.png", "/d/z.png", "no-such-class", new Box(0, 0, 4, 4),
                "g", null, -1, -1);
        Annotation sameImage = new Annotation("d", "t.csv:5", "x.png", "/d/x.png", "", new Box(2, 2, 8, 8), "g", null, -1, -1);
        Annotation outside = new Annotation("e", "t.csv:6", "w.png", "/d/w.png", "1", new Box(50, 50, 60, 60), "g", null, 20, 20);
        Skipped malformed = new Skipped("t.csv:7", "t.csv:7", SkipReason.MALFORMED_RECORD, "bad");
        PredictInputs.Plan plan = PredictInputs.plan(new ReadResult(List.of(ok1, inverted, unknownLabel, sameImage, outside),
                List.of(malformed), List.of()));
        assertEquals(6, plan.inputRecords());
        assertEquals(3, plan.items());
        assertEquals(plan.inputRecords(), plan.items() + plan.skipped().size());
        assertEquals(List.of("/d/x.png", "/d/z.png"), plan.tasks().stream().map(PredictItem.ImageTask::path).toList());
        List<PredictItem> x = plan.tasks().get(0).items();
        assertEquals(List.of(0L, 3L), x.stream().map(PredictItem::seq).toList());
        assertEquals("3", x.get(0).label());
        assertNull(x.get(1).label(), "a blank label is no label");
        assertEquals("no-such-class", plan.tasks().get(1).items().get(0).label(), "predict needs no known label");
        assertEquals(List.of(SkipReason.INVERTED_BOX, SkipReason.BOX_OUTSIDE_IMAGE, SkipReason.MALFORMED_RECORD),
                plan.skipped().stream().map(s -> s.skipped().reason()).toList());

        PredictInputs.Plan dir = PredictInputs.plan(List.of("file:/i/a.png", "file:/i/b/c.jpg"));
        assertEquals(2, dir.items());
        assertNull(dir.tasks().get(1).items().get(0).box(), "whole image");
        assertTrue(PredictInputs.hidden("_SUCCESS") && PredictInputs.hidden(".DS_Store") && !PredictInputs.hidden("a.png"));
    }

    @Test
    void topKOrdersByProbabilityAndBreaksTiesByIndex() {
        assertArrayEquals(new int[] {2, 0, 3, 1}, TopK.of(new double[] {0.2, 0.1, 0.5, 0.2}, 5));
        assertArrayEquals(new int[] {2, 0}, TopK.of(new double[] {0.2, 0.1, 0.5, 0.2}, 2));
    }

    @Test
    void tableRendersLabelsNamesAndCorrectness() {
        PredictTable t = new PredictTable(List.of(new ClassInfo(0, "cat", "Cat, domestic"), new ClassInfo(1, "dog", ""),
                new ClassInfo(2, "fox", "Fox")), true);
        PredictItem item = new PredictItem(4, "file:/a.png", "a", "a", new Box(1, 2, 3, 4), "dog");
        PredictOutcome o = PredictOutcome.predicted(item, item.box(), new int[] {1, 0, 2}, new double[] {0.6, 0.3, 0.1});
        assertEquals("file:/a.png,1,2,3,4,dog,dog,0.600000,cat,\"Cat, domestic\",0.300000,fox,Fox,0.100000,,,,,,,dog,true\n",
                t.csvLine(o));
        assertEquals(22, PredictOnGtsrbTest.cells(t.csvHeader().strip()).length);
        assertEquals(22, PredictOnGtsrbTest.cells(t.csvLine(o).strip()).length);
        PredictOutcome unlabelled = PredictOutcome.predicted(new PredictItem(5, "b", "b", "b", null, null),
                new Box(0, 0, 9, 9), new int[] {2}, new double[] {1});
        assertNull(t.correct(unlabelled.prediction()));
        assertTrue(t.csvLine(unlabelled).endsWith(",,\n"));
        assertEquals(List.of("path", "xmin", "ymin", "xmax", "ymax", "top5_labels", "top5_names", "top5_probabilities",
                "label", "correct"), List.of(t.schema().fieldNames()));
        assertEquals(8, new PredictTable(t.classes(), false).schema().fieldNames().length);
        String skipped = PredictTable.skippedCsv(List.of(PredictOutcome.skipped(3, "file:/x.png",
                new Skipped("x", "t.csv:4", SkipReason.CORRUPT_IMAGE, "not a recognised image format"))));
        assertEquals("path,id,location,reason,detail\nfile:/x.png,x,t.csv:4,corrupt_image,not a recognised image format\n", skipped);
    }

    @Test
    void configNeedsExactlyOneKindOfInput() {
        assertEquals("either", assertThrows(IllegalArgumentException.class, () -> PredictConfig.load(null,
                Map.of("model", "m", "output", "o"))).getMessage().substring(5, 11));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PredictConfig.load(null, Map.of("model", "m",
                "output", "o", "images", "d", "format", "gtsrb", "input", "t.csv"))).getMessage().contains("not both"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PredictConfig.load(null, Map.of("model", "m",
                "output", "o", "format", "gtsrb"))).getMessage().contains("both --format and --input"));
        PredictConfig c = PredictConfig.load(null, Map.of("model", "m", "output", "o", "images", "d"));
        assertTrue(!c.annotated() && c.batchSize() == 128 && c.members().equals("all"));
    }
}
