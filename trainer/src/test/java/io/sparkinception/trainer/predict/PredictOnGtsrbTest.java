package io.sparkinception.trainer.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.common.Json;
import com.fasterxml.jackson.databind.JsonNode;
import io.sparkinception.preprocessing.DatasetMetadata;
import io.sparkinception.preprocessing.MetadataIO;
import io.sparkinception.preprocessing.PixelStorage;
import io.sparkinception.preprocessing.PreprocessConfig;
import io.sparkinception.preprocessing.annotations.SourceSpec;
import io.sparkinception.preprocessing.image.Interpolation;
import io.sparkinception.common.HadoopFiles;
import io.sparkinception.preprocessing.spark.PreprocessPipeline;
import io.sparkinception.testing.LocalSpark;
import io.sparkinception.testing.SharedData;
import io.sparkinception.trainer.training.DistributedTrainer;
import io.sparkinception.trainer.training.TrainConfig;
import io.sparkinception.trainer.evaluation.EvaluateConfig;
import io.sparkinception.trainer.evaluation.Evaluation;
import java.awt.image.BufferedImage;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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

/**
 * predict in local[2] on the shared GTSRB data with a two-member ensemble of tiny models: on Test.csv it agrees
 * with evaluate (1 crop) record by record; on a plain image directory it scores whole images and reports the
 * corrupt file.
 */
@Tag("e2e") // shared GTSRB data, local[2]
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PredictOnGtsrbTest {
    private static final PrintStream QUIET = new PrintStream(NullOutputStream.INSTANCE);
    private SparkSession spark;
    private Path root;
    private String ensemble;
    private DatasetMetadata trained;

    @BeforeAll
    void prepare(@TempDir Path dir) throws Exception {
        root = dir;
        spark = LocalSpark.start("predict-gtsrb");
        String data = dir.resolve("train-24").toString();
        PreprocessPipeline.run(spark, PreprocessConfig.builder(new SourceSpec(SourceSpec.Format.GTSRB,
                SharedData.data("gtsrb/Train.csv").toString(), "", SharedData.data("gtsrb/signnames.csv").toString(),
                null, true), data).newSpec(new PreprocessConfig.NewSpec(24, new PreprocessConfig.CropSpec(0.1, true,
                Interpolation.AREA), PixelStorage.FLOAT16, true)).progressSeconds(60).overwrite(true).build(), QUIET);
        // A hand-made ensemble directory: two members trained with different seeds.
        ensemble = dir.resolve("ens").toString();
        List<String> members = List.of("member-1", "member-2");
        for (int i = 0; i < members.size(); i++) {
            Map<String, String> flags = new HashMap<>(Map.of("data", data, "output", ensemble + "/" + members.get(i),
                    "width", "0.25", "min-filters", "8", "workers", "2", "batch-size-per-worker", "16",
                    "averaging-frequency", "4", "max-rounds", "6", "seed", Integer.toString(7 + i)));
            flags.putAll(Map.of("ema-decay", "0", "learning-rate", "0.003"));
            DistributedTrainer.run(spark, TrainConfig.load(null, flags), QUIET);
        }
        Files.writeString(Path.of(ensemble, "ensemble.json"),
                "{\"members\": [{\"name\": \"member-1\"}, {\"name\": \"member-2\"}]}");
        trained = MetadataIO.read(HadoopFiles.local(), ensemble + "/member-1");
    }

    @AfterAll
    void stop() {
        spark.stop();
    }

    private static PredictConfig config(Map<String, String> flags) {
        return PredictConfig.load(null, flags);
    }

    @Test
    void annotatedTestSetAgreesWithEvaluateRecordByRecord() throws Exception {
        String testCsv = SharedData.data("gtsrb/Test.csv").toString();
        Path out = root.resolve("pred-test");
        Prediction.Result r = Prediction.run(spark, config(Map.of("model", ensemble, "output", out.toString(),
                "format", "gtsrb", "input", testCsv, "batch-size", "32")), QUIET);
        Path report = root.resolve("eval-test");
        Evaluation.Result e = Evaluation.run(spark, EvaluateConfig.load(null, Map.of("model", ensemble,
                "report", report.toString(), "format", "gtsrb", "input", testCsv, "crops", "1")), QUIET);

        assertEquals(List.of("member-1", "member-2"), r.members());
        assertEquals(1075, r.inputRecords());
        assertEquals(e.examples(), r.predicted());
        assertEquals(r.inputRecords(), r.predicted() + r.skipped());
        assertEquals(r.predicted(), r.labelled());

        List<String[]> pred = rows(out.resolve("predictions.csv"));
        List<String[]> eval = rows(report.resolve("predictions.csv"));
        assertEquals("path,xmin,ymin,xmax,ymax,label1,name1,prob1,label2,name2,prob2,label3,name3,prob3,label4,name4,"
                + "prob4,label5,name5,prob5,true_label,correct", header(out.resolve("predictions.csv")));
        assertEquals(eval.size(), pred.size());
        Set<String> predictedClasses = new HashSet<>();
        long correct = 0;
        for (int i = 0; i < pred.size(); i++) {
            String[] p = pred.get(i);
            String[] v = eval.get(i);  // seq,label,label_name,predicted,predicted_name,confidence,correct,top5
            assertEquals(Long.toString(i), v[0]);
            String predictedLabel = trained.classes().get(Integer.parseInt(v[3])).label();
            assertEquals(predictedLabel, p[5], "argmax of record " + i + " (" + p[0] + ")");
            assertEquals(v[4], p[6]);
            assertEquals(Double.parseDouble(v[5]), Double.parseDouble(p[7]), 2e-6, "probability of record " + i);
            assertEquals(trained.classes().get(Integer.parseInt(v[1])).label(), p[20]);
            assertEquals(v[6], p[21]);
            String[] top5 = v[7].split(" ");
            for (int k = 0; k < 5; k++) {
                assertEquals(trained.classes().get(Integer.parseInt(top5[k])).label(), p[5 + 3 * k], "top-5 of record " + i);
            }
            predictedClasses.add(p[5]);
            correct += Boolean.parseBoolean(p[21]) ? 1 : 0;
        }
        assertEquals(r.correct(), correct);
        // The models learned something: not one class for every image.
        assertTrue(predictedClasses.size() > 3, "predicted classes " + predictedClasses);

        // GTSRB's Test.csv gives Roi.X1..Roi.Y2 per image: the first record's box is written as given.
        String firstCsvLine = Files.readAllLines(Path.of(testCsv)).get(1);
        String[] cells = firstCsvLine.split(",");
        assertEquals(List.of(cells[2], cells[3], cells[4], cells[5]), Arrays.asList(pred.get(0)).subList(1, 5));
        assertTrue(pred.get(0)[0].endsWith(cells[7]), pred.get(0)[0] + " vs " + cells[7]);

        // The Parquet table holds the same predictions.
        List<Row> parquet = spark.read().parquet(out.resolve("predictions").toString()).collectAsList();
        assertEquals(pred.size(), parquet.size());
        Map<String, Row> byPath = new HashMap<>();
        parquet.forEach(row -> byPath.put(row.getString(row.fieldIndex("path")), row));
        for (String[] p : pred) {
            Row row = byPath.get(p[0]);
            assertEquals(p[5], row.getList(row.fieldIndex("top5_labels")).get(0));
            assertEquals(Double.parseDouble(p[7]), (Double) row.getList(row.fieldIndex("top5_probabilities")).get(0), 1e-6);
            assertEquals(p[20], row.getString(row.fieldIndex("label")));
            assertEquals(Boolean.parseBoolean(p[21]), row.getBoolean(row.fieldIndex("correct")));
            assertEquals(Integer.parseInt(p[3]), row.getInt(row.fieldIndex("xmax")));
        }
        JsonNode json = Json.mapper().readTree(out.resolve("predict.json").toFile());
        assertEquals(1075, json.at("/counts/input_records").asLong());
        assertEquals(r.predicted(), json.at("/counts/predicted").asLong());
        assertEquals(2, json.get("members").size());
        assertEquals(24, json.at("/spec/image_size").asInt());

        // A finished run is not overwritten by accident.
        IllegalArgumentException again = assertThrows(IllegalArgumentException.class, () -> Prediction.run(spark,
                config(Map.of("model", ensemble, "output", out.toString(), "format", "gtsrb", "input", testCsv)), QUIET));
        assertTrue(again.getMessage().contains("--overwrite"), again.getMessage());
    }

    /** --class-prior uniform: predict applies the same shift as evaluate, record by record, and it moves predictions. */
    @Test
    void aUniformClassPriorAgreesWithEvaluateRecordByRecord() throws Exception {
        String testCsv = SharedData.data("gtsrb/Test.csv").toString();
        Path plainOut = root.resolve("pred-plain-prior");
        Prediction.run(spark, config(Map.of("model", ensemble, "output", plainOut.toString(), "format", "gtsrb",
                "input", testCsv)), QUIET);
        Path out = root.resolve("pred-prior");
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        Prediction.run(spark, config(Map.of("model", ensemble, "output", out.toString(), "format", "gtsrb", "input",
                testCsv, "class-prior", "uniform")), new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8));
        assertTrue(log.toString(java.nio.charset.StandardCharsets.UTF_8).contains("predict: class prior uniform: every"
                + " output divided by its class's training frequency"), log.toString(java.nio.charset.StandardCharsets.UTF_8));
        Path report = root.resolve("eval-prior");
        Evaluation.run(spark, EvaluateConfig.load(null, Map.of("model", ensemble, "report", report.toString(), "format",
                "gtsrb", "input", testCsv, "crops", "1", "class-prior", "uniform")), QUIET);
        List<String[]> pred = rows(out.resolve("predictions.csv"));
        List<String[]> plain = rows(plainOut.resolve("predictions.csv"));
        List<String[]> eval = rows(report.resolve("predictions.csv"));
        assertEquals(eval.size(), pred.size());
        int moved = 0;
        for (int i = 0; i < pred.size(); i++) {
            String[] p = pred.get(i);
            String[] v = eval.get(i);
            assertEquals(trained.classes().get(Integer.parseInt(v[3])).label(), p[5], "argmax of record " + i);
            assertEquals(Double.parseDouble(v[5]), Double.parseDouble(p[7]), 2e-6, "probability of record " + i);
            moved += p[5].equals(plain.get(i)[5]) ? 0 : 1;
        }
        assertTrue(moved > 0, "the shift changes some predictions of GTSRB's imbalanced training classes");
        assertThrows(IllegalArgumentException.class, () -> config(Map.of("model", ensemble, "output",
                root.resolve("x").toString(), "format", "gtsrb", "input", testCsv, "class-prior", "balanced")));
    }

    @Test
    void imageDirectoryIsScoredWholeAndTheCorruptFileIsReported() throws Exception {
        Path images = root.resolve("images");
        Files.createDirectories(images.resolve("nested"));
        List<Path> pngs;
        try (var s = Files.list(SharedData.data("gtsrb/Test"))) {
            pngs = s.filter(p -> p.toString().endsWith(".png")).sorted().limit(5).toList();
        }
        assertEquals(5, pngs.size());
        List<Path> copies = new ArrayList<>();
        for (int i = 0; i < pngs.size(); i++) {
            Path target = (i < 3 ? images : images.resolve("nested")).resolve(pngs.get(i).getFileName());
            copies.add(Files.copy(pngs.get(i), target));
        }
        byte[] head = Arrays.copyOf(Files.readAllBytes(pngs.get(0)), 60);
        Files.write(images.resolve("broken.png"), head);
        Files.writeString(images.resolve("_SUCCESS"), "");

        Path out = root.resolve("pred-dir");
        Prediction.Result r = Prediction.run(spark, config(Map.of("model", ensemble + "/member-1",
                "output", out.toString(), "images", images.toString(), "batch-size", "2")), QUIET);
        assertEquals(6, r.inputRecords());
        assertEquals(5, r.predicted());
        assertEquals(1, r.skipped());
        assertEquals(Map.of("corrupt_image", 1L), r.skippedByReason());
        assertEquals(0, r.labelled());

        List<String> skipped = Files.readAllLines(out.resolve("skipped.csv"));
        assertEquals(2, skipped.size(), String.join("\n", skipped));
        assertTrue(skipped.get(1).contains("broken.png") && skipped.get(1).contains(",corrupt_image,"), skipped.get(1));

        assertEquals("path,xmin,ymin,xmax,ymax,label1,name1,prob1,label2,name2,prob2,label3,name3,prob3,label4,name4,"
                + "prob4,label5,name5,prob5", header(out.resolve("predictions.csv")));
        List<String[]> pred = rows(out.resolve("predictions.csv"));
        assertEquals(5, pred.size());
        Set<String> seen = new HashSet<>();
        for (String[] p : pred) {
            Path local = Path.of(java.net.URI.create(p[0]));
            assertTrue(copies.contains(local), p[0]);
            seen.add(p[0]);
            BufferedImage img = ImageIO.read(local.toFile());
            assertEquals(List.of("0", "0", Integer.toString(img.getWidth() - 1), Integer.toString(img.getHeight() - 1)),
                    Arrays.asList(p).subList(1, 5));
            assertEquals(20, p.length);
            double sum = 0;
            double previous = 1;
            Set<String> labels = new HashSet<>();
            for (int k = 0; k < 5; k++) {
                double prob = Double.parseDouble(p[7 + 3 * k]);
                assertTrue(prob > 0 && prob <= previous, "probabilities sorted: " + String.join(",", p));
                previous = prob;
                sum += prob;
                labels.add(p[5 + 3 * k]);
                assertEquals(trained.classes().get(Integer.parseInt(p[5 + 3 * k])).name(), p[6 + 3 * k]);
            }
            assertEquals(5, labels.size());
            assertTrue(sum <= 1 + 1e-5, "top-5 sum " + sum);
        }
        assertEquals(5, seen.size());
        List<Row> parquet = spark.read().parquet(out.resolve("predictions").toString()).collectAsList();
        assertEquals(5, parquet.size());
        assertFalse(Arrays.asList(parquet.get(0).schema().fieldNames()).contains("label"));
        assertEquals(List.of("path", "xmin", "ymin", "xmax", "ymax", "top5_labels", "top5_names", "top5_probabilities"),
                Arrays.asList(parquet.get(0).schema().fieldNames()));
        JsonNode json = Json.mapper().readTree(out.resolve("predict.json").toFile());
        assertEquals(6, json.at("/counts/input_records").asLong());
        assertEquals(1, json.at("/counts/skipped_by_reason/corrupt_image").asLong());
        assertTrue(json.at("/counts/top1_accuracy").isNull());
    }

    /** Splits one RFC 4180 line (quoted cells may hold commas and doubled quotes). */
    static String[] cells(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted && c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                cell.append('"');
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                out.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        out.add(cell.toString());
        return out.toArray(new String[0]);
    }

    private static String header(Path csv) throws Exception {
        return Files.readAllLines(csv).get(0);
    }

    private static List<String[]> rows(Path csv) throws Exception {
        List<String> lines = Files.readAllLines(csv);
        List<String[]> out = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            out.add(cells(line));
        }
        return out;
    }
}
