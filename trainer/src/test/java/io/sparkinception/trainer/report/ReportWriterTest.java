package io.sparkinception.trainer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.common.Json;
import com.fasterxml.jackson.databind.JsonNode;
import io.sparkinception.trainer.report.ReportInput.ClassRow;
import io.sparkinception.trainer.report.ReportInput.Crop;
import io.sparkinception.trainer.report.ReportInput.CurvePoint;
import io.sparkinception.trainer.report.ReportInput.Member;
import io.sparkinception.trainer.report.ReportInput.Pixels;
import io.sparkinception.trainer.report.ReportInput.ResultRow;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Elements;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Renders the hand-built report and checks that its files exist and that HTML, JSON and CSV agree. */
class ReportWriterTest {
    @TempDir
    static Path dir;
    static ReportInput input;
    static List<String> written;
    static JsonNode json;

    @BeforeAll
    static void render() throws IOException {
        input = ReportFixtures.input();
        written = ReportWriter.write(input, dir);
        json = Json.mapper().readTree(dir.resolve("report.json").toFile());
    }

    @Test
    void writesEveryFileOfTheLayout() throws IOException {
        List<String> expected = new ArrayList<>(List.of("report.html", "report.json", "results.csv", "per_class.csv",
                "confusion.csv", "learning_curves.csv", "calibration.csv", "per_class_error.png", "confusion.png",
                "learning_curves.png", "calibration.png", "results.png", "error_agreement.csv", "error_overlap.png",
                "samples/class_0.png", "samples/class_1.png", "samples/class_2.png"));
        for (JsonNode pair : json.get("confused_pairs")) {
            pair.get("examples").forEach(e -> expected.add(e.asText()));
        }
        assertEquals(3, json.get("confused_pairs").get(0).get("examples").size() + json.get("confused_pairs").get(1).get("examples").size());
        for (String f : expected) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f + " missing; written: " + written);
            assertTrue(written.contains(f), f + " not reported as written");
            if (f.endsWith(".png")) {
                BufferedImage img = ImageIO.read(dir.resolve(f).toFile());
                assertNotNull(img, f + " is not a PNG");
                assertTrue(img.getWidth() >= 64 && img.getHeight() >= 64, f + " is " + img.getWidth() + "x" + img.getHeight());
            }
        }
        // 3 sample crops of 8 px upscaled 8x, separated by 2 px gaps.
        BufferedImage strip = ImageIO.read(dir.resolve("samples/class_0.png").toFile());
        assertEquals(3 * 64 + 2 * CropImages.GAP, strip.getWidth());
        assertEquals(64, strip.getHeight());
    }

    @Test
    void resultsAgreeAcrossCsvJsonAndHtml() throws IOException {
        List<Map<String, String>> csv = csv("results.csv");
        assertEquals(List.of("members", "crops", "cost", "top1_error", "top5_error", "top1_change_vs_best_single"),
                CsvParse.header(Files.readString(dir.resolve("results.csv"))));
        JsonNode rows = json.get("results");
        Elements html = html().select("table#results tbody tr");
        assertEquals(input.results().size(), csv.size());
        assertEquals(input.results().size(), rows.size());
        assertEquals(input.results().size(), html.size());
        double base = input.results().stream().filter(r -> r.members() == 1 && r.crops() == 1)
                .mapToDouble(ResultRow::top1Error).min().orElseThrow();
        for (int i = 0; i < rows.size(); i++) {
            ResultRow in = input.results().get(i);
            JsonNode j = rows.get(i);
            Map<String, String> c = csv.get(i);
            Elements td = html.get(i).select("td");
            double change = (in.top1Error() - base) / base;
            assertEquals(in.members(), j.get("members").asInt());
            assertEquals(in.crops(), j.get("crops").asInt());
            assertEquals(in.top1Error(), j.get("top1_error").asDouble());
            assertEquals(in.top5Error(), j.get("top5_error").asDouble());
            assertEquals(change, j.get("top1_change_vs_best_single").asDouble(), 1e-15);
            for (String key : List.of("cost", "top1_error", "top5_error", "top1_change_vs_best_single")) {
                assertEquals(j.get(key).asDouble(), Double.parseDouble(c.get(key)), 0.0, "csv " + key + " row " + i);
            }
            assertEquals(j.get("members").asText(), c.get("members"));
            assertEquals(j.get("crops").asText(), c.get("crops"));
            assertEquals(j.get("members").asText(), td.get(0).text());
            assertEquals(j.get("crops").asText(), td.get(1).text());
            assertEquals(j.get("cost").asDouble(), Double.parseDouble(td.get(2).text()), 0.0);
            assertEquals(pct(j.get("top1_error").asDouble()), td.get(3).text());
            assertEquals(pct(j.get("top5_error").asDouble()), td.get(4).text());
            assertEquals(String.format(Locale.ROOT, "%+.2f %%", 100 * j.get("top1_change_vs_best_single").asDouble()),
                    td.get(5).text());
        }
        // The best single model is the 0 % row of the change column, and the summary line quotes it.
        assertEquals("+0.00 %", html.get(0).select("td").get(5).text());
        assertTrue(html().select("#summary").text().contains(pct(base)), html().select("#summary").text());
    }

    @Test
    void perClassAgreesAcrossCsvJsonAndHtml() throws IOException {
        List<Map<String, String>> csv = csv("per_class.csv");
        JsonNode rows = json.get("per_class");
        assertEquals(input.perClass().size(), csv.size());
        assertEquals(input.perClass().size(), rows.size());
        for (int i = 0; i < rows.size(); i++) {
            ClassRow in = input.perClass().get(i);
            JsonNode j = rows.get(i);
            Map<String, String> c = csv.get(i);
            assertEquals(in.classIndex(), j.get("class").asInt());
            assertEquals(in.name(), j.get("name").asText());
            assertEquals(in.name(), c.get("name"), "CSV quoting must round-trip the name");
            assertEquals(j.get("class").asText(), c.get("class"));
            assertEquals(j.get("support").asLong(), Long.parseLong(c.get("support")));
            assertEquals(j.get("model").asText(), c.get("model"));
            assertEquals(j.get("error").asDouble(), Double.parseDouble(c.get("error")), 0.0);
        }
        // HTML: one row per class, sorted by descending ensemble error, one error column per model.
        Document doc = html();
        List<String> headers = doc.select("table#per-class thead th").eachText();
        assertEquals(List.of("class", "name", "support", "ensemble error", "member-1 error", "member-2 error"), headers);
        Elements trs = doc.select("table#per-class tbody tr");
        assertEquals(ReportFixtures.CLASS_NAMES.size(), trs.size());
        double previous = Double.POSITIVE_INFINITY;
        for (Element tr : trs) {
            List<String> td = tr.select("td").eachText();
            int c = Integer.parseInt(td.get(0));
            assertEquals(ReportFixtures.CLASS_NAMES.get(c), td.get(1));
            for (int m = 0; m < 3; m++) {
                String model = headers.get(3 + m).replace(" error", "");
                JsonNode j = find(rows, c, model);
                assertEquals(pct(j.get("error").asDouble()), td.get(3 + m), model + " class " + c);
                assertEquals(j.get("support").asText(), td.get(2));
            }
            double e = find(rows, c, "ensemble").get("error").asDouble();
            assertTrue(e <= previous, "per-class table not sorted by ensemble error");
            previous = e;
        }
    }

    @Test
    void confusionCurvesAndCalibrationCsvMatchTheInputAndJson() throws IOException {
        List<Map<String, String>> confusion = csv("confusion.csv");
        long nonzero = 0;
        for (long[] row : ReportFixtures.CONFUSION) {
            for (long v : row) {
                nonzero += v != 0 ? 1 : 0;
            }
        }
        assertEquals(nonzero, confusion.size());
        for (Map<String, String> r : confusion) {
            assertEquals(ReportFixtures.CONFUSION[Integer.parseInt(r.get("true"))][Integer.parseInt(r.get("predicted"))],
                    Long.parseLong(r.get("count")));
        }

        List<Map<String, String>> curves = csv("learning_curves.csv");
        assertEquals(List.of("member", "type", "round", "epoch", "loss", "val_top1", "val_top5", "val_loss", "test_top1",
                "test_top5", "test_loss", "wall_seconds"), CsvParse.header(Files.readString(dir.resolve("learning_curves.csv"))));
        assertEquals(input.members().stream().mapToInt(m -> m.curve().size()).sum(), curves.size());
        int i = 0;
        for (Member m : input.members()) {
            for (CurvePoint p : m.curve()) {
                Map<String, String> r = curves.get(i++);
                assertEquals(m.name(), r.get("member"));
                assertEquals(p.type(), r.get("type"));
                assertEquals(p.epoch(), Double.parseDouble(r.get("epoch")));
                if (p.type().equals(CurvePoint.ROUND)) {
                    assertEquals(p.loss(), Double.parseDouble(r.get("loss")));
                    assertEquals("", r.get("val_top1"), "blank where a value does not apply");
                } else {
                    assertEquals("", r.get("loss"));
                    assertEquals(p.valTop1(), Double.parseDouble(r.get("val_top1")));
                    assertEquals(p.valLoss(), Double.parseDouble(r.get("val_loss")));
                    assertEquals(p.testTop1(), number(r.get("test_top1")));
                    assertEquals(p.testTop5(), number(r.get("test_top5")));
                    assertEquals(p.testLoss(), number(r.get("test_loss")));
                    assertEquals(p.wallSeconds(), number(r.get("wall_seconds")));
                }
            }
        }

        // The fixture's member-1 recorded eval-data and wall time (its second validation: round 4, epoch 2).
        Map<String, String> validation = curves.stream().filter(r -> r.get("member").equals("member-1")
                && r.get("round").equals("4") && r.get("type").equals("validation")).findFirst().orElseThrow();
        assertEquals(0.65, Double.parseDouble(validation.get("test_top1")), 1e-12);
        assertEquals(0.85, Double.parseDouble(validation.get("test_top5")), 1e-12);
        assertEquals(0.9 / 4 + 0.2, Double.parseDouble(validation.get("test_loss")), 1e-12);
        assertEquals(120.0, Double.parseDouble(validation.get("wall_seconds")));
        assertEquals("", curves.stream().filter(r -> r.get("member").equals("member-2") && r.get("type").equals("validation"))
                .findFirst().orElseThrow().get("test_top1"), "member-2 had no eval-data");

        List<Map<String, String>> calibration = csv("calibration.csv");
        JsonNode bins = json.get("calibration");
        assertEquals(input.calibration().size(), calibration.size());
        for (int b = 0; b < bins.size(); b++) {
            JsonNode j = bins.get(b);
            Map<String, String> c = calibration.get(b);
            assertEquals(j.get("model").asText(), c.get("model"));
            assertEquals(j.get("count").asLong(), Long.parseLong(c.get("count")));
            if (j.get("confidence").isNull()) {
                assertEquals("", c.get("confidence"), "NaN is null in JSON and blank in CSV");
            } else {
                assertEquals(j.get("confidence").asDouble(), Double.parseDouble(c.get("confidence")), 0.0);
                assertEquals(j.get("accuracy").asDouble(), Double.parseDouble(c.get("accuracy")), 0.0);
            }
        }
        assertEquals(0.031, json.get("calibration_error").get("ensemble").asDouble());
        assertEquals(0.61, json.get("log_loss").get("member-1").asDouble());
        // The HTML prints the same log loss and ECE.
        for (Element tr : html().select("table#model-metrics tbody tr")) {
            List<String> td = tr.select("td").eachText();
            JsonNode loss = json.get("log_loss").get(td.get(0));
            assertEquals(String.format(Locale.ROOT, "%.4f", loss.asDouble()), td.get(1));
        }
    }

    @Test
    void jsonHasTheContractKeys() {
        for (String key : List.of("results", "per_class", "members", "data", "calibration", "calibration_error",
                "confused_pairs", "log_loss", "member_weights", "error_agreement", "created_by")) {
            assertTrue(json.has(key), "report.json lacks " + key);
        }
        JsonNode m = json.get("members").get(1);
        for (String key : List.of("name", "family", "width", "seed", "sampling_seed", "image_size", "epochs",
                "training_seconds", "hyperparameters", "summary", "validations")) {
            assertTrue(m.has(key), "member lacks " + key);
        }
        assertEquals(1.25, m.get("width").asDouble());
        // Per-member validations: member-2's 3 have no eval-data (null), member-1's carry test scores and wall time.
        assertEquals(3, m.get("validations").size());
        JsonNode v2 = m.get("validations").get(0);
        assertEquals(2, v2.get("round").asLong());
        assertEquals(0.6, v2.get("val_top1").asDouble(), 1e-12);
        assertTrue(v2.get("test_top1").isNull() && v2.get("wall_seconds").isNull(), v2.toString());
        JsonNode v1 = json.get("members").get(0).get("validations").get(2);
        for (String key : List.of("round", "epoch", "val_top1", "val_top5", "val_loss", "test_top1", "test_top5",
                "test_loss", "wall_seconds")) {
            assertTrue(v1.has(key) && !v1.get(key).isNull(), "validation lacks " + key + ": " + v1);
        }
        assertEquals(0.75, v1.get("test_top1").asDouble(), 1e-12);
        assertEquals(180.0, v1.get("wall_seconds").asDouble());
        assertTrue(m.get("hyperparameters").get("label_smoothing").isNull());
        JsonNode data = json.get("data");
        assertEquals(3, data.get("classes").asInt());
        assertEquals(ReportFixtures.MEAN[1], data.get("mean").get(1).asDouble());
        assertEquals(45, data.get("per_class_counts").get(0).asLong());
        JsonNode pair = json.get("confused_pairs").get(0);
        assertEquals(1, pair.get("true").asInt());
        assertEquals(ReportFixtures.CLASS_NAMES.get(1), pair.get("true_name").asText());
        assertEquals("stop", pair.get("predicted_name").asText());
        assertEquals("member-2", json.get("best_member").asText());
        for (String key : List.of("tool", "version", "java", "spark", "dl4j", "config")) {
            assertTrue(json.get("created_by").has(key), "created_by lacks " + key);
        }
        JsonNode weights = json.get("member_weights");
        assertEquals("manifest", weights.get("source").asText());
        assertEquals("val-loss", weights.get("method").asText());
        assertEquals(0.7, weights.get("weights").get("member-2").asDouble());
        JsonNode agreement = json.get("error_agreement");
        assertEquals(100, agreement.get("examples").asLong());
        assertEquals(0.75, agreement.get("members").get(1).get("top1").asDouble());
        JsonNode p = agreement.get("pairs").get(0);
        assertEquals("member-1", p.get("member_a").asText());
        assertEquals("member-2", p.get("member_b").asText());
        assertEquals(20, p.get("both_wrong").asLong());
        assertEquals(35, p.get("either_wrong").asLong());
        assertEquals(20 / 35.0, p.get("error_overlap").asDouble(), 1e-15);
        assertEquals(0.625, p.get("kappa").asDouble(), 1e-15);
    }

    @Test
    void errorAgreementAgreesAcrossCsvHtmlAndThePng() throws IOException {
        List<String> csv = Files.readAllLines(dir.resolve("error_agreement.csv"));
        assertEquals(List.of("member_a,member_b,top1_a,top1_b,both_wrong,either_wrong,error_overlap,kappa",
                "member-1,member-2,0.7,0.75,20,35," + (20 / 35.0) + ",0.625"), csv);
        Document html = Jsoup.parse(dir.resolve("report.html").toFile(), "UTF-8");
        List<String> row = html.select("table#error-agreement tbody tr td").eachText();
        assertEquals(List.of("member-1", "member-2", "20", "35", "57.14 %", "0.625"), row);
        assertEquals(List.of("member-2", "0.700", "75.00 %", "25.00 %"),
                html.select("table#member-top1 tbody tr").get(1).select("td").eachText());
        assertTrue(html.select("p#error-agreement-help").text().contains("low overlap"));
        assertTrue(html.select("p#member-weighting").text().contains("val-loss weights"));
        assertTrue(written.contains(ReportLayout.ERROR_OVERLAP_PNG), written.toString());
    }

    @Test
    void htmlEscapesEveryStringAndEmbedsEveryImage() throws IOException {
        String raw = Files.readString(dir.resolve("report.html"));
        assertFalse(raw.contains("<script"), "a class name injected markup");
        assertFalse(raw.contains("<tiny>"), "the title was not escaped");
        assertFalse(raw.contains("<momentum>"), "a hyperparameter was not escaped");
        Document doc = Jsoup.parse(raw);
        assertEquals(input.title(), doc.select("h1").text());
        assertTrue(doc.select("table#hyperparameters td").eachText().contains("sgd <momentum>"));
        Elements imgs = doc.select("img");
        // 5 charts, 3 confused-pair examples, 3 sample strips.
        assertEquals(6 + 3 + 3, imgs.size());
        for (Element img : imgs) {
            assertTrue(img.attr("src").startsWith("data:image/png;base64,"), "not embedded: " + img.attr("alt"));
        }
        assertFalse(raw.contains("src=\"examples/") || raw.contains("src=\"samples/"), "the HTML links files");
    }

    @Test
    void cropsAreDenormalizedClampedAndUpscaledByNearestNeighbour() throws IOException {
        // 3 x 2 x 2, scale (10, 20, 1), mean (100, 50, 0): values chosen to hit rounding and both clamps.
        float[] chw = {
            0f, 1f, -20f, 2.45f,   // R: 100, 110, -100 -> 0, 124.5 -> 125 (half up)
            1f, 20f, -1f, 0.5f,    // G: 70, 450 -> 255, 30, 60
            7f, 255f, 300f, 0.4f}; // B: 7, 255, 300 -> 255, 0.4 -> 0
        BufferedImage img = CropImages.toImage(new Crop(chw, 3, 2, 2),
                new Pixels(new double[] {100, 50, 0}, new double[] {10, 20, 1}));
        assertEquals(64, img.getWidth(), "2 px upscaled by 32");
        assertEquals(64, img.getHeight());
        int[][] expected = {{100, 70, 7}, {110, 255, 255}, {0, 30, 255}, {125, 60, 0}};
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                int[] e = expected[(y / 32) * 2 + x / 32];
                int rgb = img.getRGB(x, y);
                assertEquals(e[0], (rgb >> 16) & 0xff, "R at " + x + "," + y);
                assertEquals(e[1], (rgb >> 8) & 0xff, "G at " + x + "," + y);
                assertEquals(e[2], rgb & 0xff, "B at " + x + "," + y);
            }
        }
        // A written example decodes to the same pixels as converting its crop directly.
        Crop first = input.confusedPairs().get(0).examples().get(0);
        BufferedImage direct = CropImages.toImage(first, input.pixels());
        BufferedImage file = ImageIO.read(new ByteArrayInputStream(Files.readAllBytes(
                dir.resolve(json.get("confused_pairs").get(0).get("examples").get(0).asText()))));
        assertEquals(direct.getWidth(), file.getWidth());
        for (int y = 0; y < direct.getHeight(); y++) {
            for (int x = 0; x < direct.getWidth(); x++) {
                assertEquals(direct.getRGB(x, y), file.getRGB(x, y));
            }
        }
    }

    private static JsonNode find(JsonNode perClass, int c, String model) {
        for (JsonNode j : perClass) {
            if (j.get("class").asInt() == c && j.get("model").asText().equals(model)) {
                return j;
            }
        }
        throw new AssertionError("no per_class row for class " + c + " model " + model);
    }

    /** A CSV cell as a number: blank is NaN. */
    private static double number(String cell) {
        return cell.isEmpty() ? Double.NaN : Double.parseDouble(cell);
    }

    private static String pct(double fraction) {
        return String.format(Locale.ROOT, "%.2f %%", 100 * fraction);
    }

    private static Document html() throws IOException {
        return Jsoup.parse(dir.resolve("report.html").toFile(), "UTF-8");
    }

    private static List<Map<String, String>> csv(String name) throws IOException {
        return CsvParse.rows(Files.readString(dir.resolve(name)));
    }
}
