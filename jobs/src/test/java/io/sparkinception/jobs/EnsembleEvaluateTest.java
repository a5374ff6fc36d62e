package io.sparkinception.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.common.Json;
import com.fasterxml.jackson.databind.JsonNode;
import io.sparkinception.testing.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 4 end to end through the command line, in local[2] on the shared GTSRB data: preprocess (train and test
 * with the training spec) -> ensemble of three tiny members -> evaluate with 1, 10 and 144 crops -> the report;
 * then evaluate on raw images, and the notebooks on the outputs.
 */
@Tag("e2e") // shared GTSRB data, local[2], Jupyter
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EnsembleEvaluateTest {
    /** Kept after the run (target/), so a person can open the report and the notebooks' HTML. */
    private final Path root = Path.of("target", "ensemble-evaluate").toAbsolutePath();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        out.reset();
        err.reset();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        System.out.print(out.toString(StandardCharsets.UTF_8));
        return code;
    }

    @BeforeAll
    void prepare() throws Exception {
        System.setProperty("spark.master", "local[2]");
        org.apache.commons.io.FileUtils.deleteDirectory(root.toFile());
        Files.createDirectories(root);
        String names = SharedData.data("gtsrb/signnames.csv").toString();
        assertEquals(0, run("preprocess", "--format", "gtsrb", "--input", SharedData.data("gtsrb/Train.csv").toString(),
                "--class-names", names, "--output", root.resolve("prep").toString(), "--image-size", "24",
                "--storage", "float16"), err.toString(StandardCharsets.UTF_8));
        assertEquals(0, run("preprocess", "--format", "gtsrb", "--input", SharedData.data("gtsrb/Test.csv").toString(),
                "--class-names", names, "--output", root.resolve("prep-test").toString(), "--split", "test",
                "--reuse-spec", root.resolve("prep/metadata.json").toString()), err.toString(StandardCharsets.UTF_8));
        assertEquals(0, run("ensemble", "--data", root.resolve("prep").toString(), "--output", root.resolve("ens").toString(),
                "--members", "3", "--width", "0.25", "--min-filters", "8", "--epochs", "1", "--batch-size-per-worker", "16",
                "--averaging-frequency", "4", "--learning-rate", "0.003", "--batch-norm-decay", "0.9", "--ema-decay", "0",
                "--augment.random-crop", "false", "--validate-every-epochs", "1", "--weights", "val-loss"),
                err.toString(StandardCharsets.UTF_8));
    }

    @AfterAll
    void clear() {
        System.clearProperty("spark.master");
    }

    @Test
    @Order(1)
    void evaluateWritesAReportWhoseNumbersAgreeEverywhere() throws Exception {
        Path report = root.resolve("report");
        assertEquals(0, run("evaluate", "--model", root.resolve("ens").toString(), "--report", report.toString(),
                "--data", root.resolve("prep").toString(), "--split", "val", "--crops", "1,10,144"),
                err.toString(StandardCharsets.UTF_8));
        for (String f : List.of("report.html", "report.json", "results.csv", "per_class.csv", "confusion.csv",
                "learning_curves.csv", "calibration.csv", "predictions.csv", "cost.csv", "per_class_error.png",
                "confusion.png", "learning_curves.png", "calibration.png")) {
            assertTrue(Files.size(report.resolve(f)) > 0, f);
        }
        JsonNode json = Json.mapper().readTree(report.resolve("report.json").toFile());
        JsonNode results = json.get("results");
        // 1 member x (1, 10, 144) and 3 members x (1, 10, 144): the paper's Table 3 layout.
        assertEquals(6, results.size(), results.toString());
        List<String> csv = Files.readAllLines(report.resolve("results.csv"));
        assertEquals(7, csv.size());
        String html = Files.readString(report.resolve("report.html"));
        double meanMemberTop1 = 0;
        for (JsonNode m : json.get("members")) {
            meanMemberTop1 += m.at("/summary/eval_top1_error_1crop").asDouble() / 3;
        }
        for (int i = 0; i < results.size(); i++) {
            JsonNode r = results.get(i);
            String[] cells = csv.get(i + 1).split(",");
            assertEquals(r.get("members").asInt(), Integer.parseInt(cells[0]));
            assertEquals(r.get("crops").asInt(), Integer.parseInt(cells[1]));
            assertEquals(r.get("top1_error").asDouble(), Double.parseDouble(cells[3]), 1e-9);
            assertTrue(html.contains(String.format(Locale.ROOT, "%.2f %%", 100 * r.get("top1_error").asDouble())),
                    "HTML lacks the top-1 error of row " + i);
        }
        // Costs: 1, 10, 48 forward passes (the three 144-crop squares of a square crop coincide), times members.
        assertEquals(List.of(1, 10, 48, 3, 30, 144), java.util.stream.StreamSupport.stream(results.spliterator(), false)
                .map(r -> r.get("cost").asInt()).toList());
        // The ensemble (3 members, 1 crop) is not worse than the mean of its members.
        double ensembleTop1 = results.get(3).get("top1_error").asDouble();
        assertTrue(ensembleTop1 <= meanMemberTop1 + 1e-12, "ensemble " + ensembleTop1 + " vs members' mean " + meanMemberTop1);
        // Chance is 42/43 = 97.7 % top-1 error (2.3 % accuracy). After one epoch members measured 9.5-11.4 %
        // validation top-1 accuracy; the bar is three times chance (7 % accuracy, 93 % error).
        assertTrue(ensembleTop1 < 0.93, "ensemble top-1 error " + ensembleTop1);
        long examples = json.at("/data/examples").asLong();
        assertEquals(examples, Files.readAllLines(report.resolve("predictions.csv")).size() - 1);
        long confusionTotal = Files.readAllLines(report.resolve("confusion.csv")).stream().skip(1)
                .mapToLong(l -> Long.parseLong(l.split(",")[2])).sum();
        assertEquals(examples, confusionTotal);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("members x crops"));

        // --weights val-loss: ensemble.json records weights fitted on val that do not raise its log loss, and
        // evaluate applies them (member-weights = manifest) and reports the members' error agreement.
        JsonNode weights = Json.mapper().readTree(root.resolve("ens/ensemble.json").toFile()).get("weights");
        assertEquals("val-loss", weights.get("method").asText());
        double sum = 0;
        for (int i = 0; i < 3; i++) {
            double w = weights.get("weights").get(i).asDouble();
            assertTrue(w >= 0 && w <= 1, weights.toString());
            sum += w;
            assertEquals(w, json.at("/member_weights/weights/member-" + (i + 1)).asDouble(), 1e-12);
        }
        assertEquals(1.0, sum, 1e-9);
        assertTrue(weights.get("val_examples").asLong() > 0, weights.toString());
        assertTrue(weights.get("weighted_val_log_loss").asDouble() <= weights.get("uniform_val_log_loss").asDouble(),
                weights.toString());
        assertEquals("manifest", json.at("/member_weights/source").asText());
        assertEquals("val-loss", json.at("/member_weights/method").asText());
        JsonNode agreement = json.get("error_agreement");
        assertEquals(examples, agreement.get("examples").asLong());
        assertEquals(3, agreement.get("pairs").size(), "pairs of 3 members");
        for (int i = 0; i < 3; i++) {
            // Each member's own top-1 at the detail policy (144 crops) is its metrics' top-1.
            assertEquals(1 - json.get("members").get(i).at("/summary/eval_top1_error_144crop").asDouble(),
                    agreement.get("members").get(i).get("top1").asDouble(), 1e-12);
        }
        for (JsonNode pair : agreement.get("pairs")) {
            assertTrue(pair.get("both_wrong").asLong() <= pair.get("either_wrong").asLong(), pair.toString());
        }
        assertEquals(4, Files.readAllLines(report.resolve("error_agreement.csv")).size());
        assertTrue(Files.size(report.resolve("error_overlap.png")) > 0);
        assertTrue(html.contains("low overlap"), "the HTML tells how to read the error agreement");
    }

    @Test
    @Order(2)
    void rawImagesWithTheRecordedSpecGiveTheSamePredictionsAsShards() throws Exception {
        Path fromShards = root.resolve("report-shards");
        Path fromRaw = root.resolve("report-raw");
        assertEquals(0, run("evaluate", "--model", root.resolve("ens").toString(), "--report", fromShards.toString(),
                "--data", root.resolve("prep-test").toString(), "--crops", "1"), err.toString(StandardCharsets.UTF_8));
        assertEquals(0, run("evaluate", "--model", root.resolve("ens").toString(), "--report", fromRaw.toString(),
                "--format", "gtsrb", "--input", SharedData.data("gtsrb/Test.csv").toString(), "--class-names",
                SharedData.data("gtsrb/signnames.csv").toString(), "--crops", "1"), err.toString(StandardCharsets.UTF_8));
        List<String> a = Files.readAllLines(fromShards.resolve("predictions.csv"));
        List<String> b = Files.readAllLines(fromRaw.resolve("predictions.csv"));
        assertEquals(1076, a.size());
        assertEquals(a, b);
        assertEquals(Files.readString(fromShards.resolve("results.csv")), Files.readString(fromRaw.resolve("results.csv")));
    }

    @Test
    @Order(3)
    void badInputsAreClearErrors() {
        assertEquals(2, run("evaluate", "--model", root.resolve("ens").toString(), "--report", root.resolve("x").toString(),
                "--data", root.resolve("prep").toString(), "--crops", "1,12"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("valid: 1, 10, 144"), err.toString(StandardCharsets.UTF_8));
        assertEquals(2, run("evaluate", "--model", root.resolve("prep").toString(), "--report", root.resolve("x").toString(),
                "--data", root.resolve("prep").toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("neither a train output"), err.toString(StandardCharsets.UTF_8));
        assertEquals(2, run("evaluate", "--model", root.resolve("ens").toString(), "--report", root.resolve("x").toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("either --data"), err.toString(StandardCharsets.UTF_8));
        assertEquals(2, run("evaluate", "--model", root.resolve("ens").toString(), "--report", root.resolve("x").toString(),
                "--data", root.resolve("prep").toString(), "--members", "4"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("members must be in 1..3"), err.toString(StandardCharsets.UTF_8));
        assertEquals(2, run("evaluate", "--model", root.resolve("ens").toString(), "--report", root.resolve("x").toString(),
                "--data", root.resolve("prep").toString(), "--class-prior", "balanced"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--class-prior must be train or uniform"),
                err.toString(StandardCharsets.UTF_8));
        assertEquals(2, run("evaluate", "--model", root.resolve("ens").toString(), "--report", root.resolve("x").toString(),
                "--data", root.resolve("prep").toString(), "--input-size", "28"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("between the trained size and the stored size (24..24 px)"),
                err.toString(StandardCharsets.UTF_8));
    }

    /** --class-prior uniform divides the outputs by the training prior: other predictions, and the report says so. */
    @Test
    @Order(4)
    void aUniformClassPriorShiftsThePredictionsAndTheReportSaysSo() throws Exception {
        Path shifted = root.resolve("report-prior");
        assertEquals(0, run("evaluate", "--model", root.resolve("ens").toString(), "--report", shifted.toString(),
                "--data", root.resolve("prep-test").toString(), "--crops", "1", "--class-prior", "uniform"),
                err.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("evaluate: class prior uniform"));
        assertTrue(Files.readString(shifted.resolve("report.json")).contains("class prior shifted to uniform"));
        assertTrue(Files.readString(shifted.resolve("report.html")).contains("class prior shifted to uniform"));
        List<String> plain = Files.readAllLines(root.resolve("report-shards").resolve("predictions.csv"));
        List<String> prior = Files.readAllLines(shifted.resolve("predictions.csv"));
        assertEquals(plain.size(), prior.size());
        assertNotEquals(plain, prior, "GTSRB's training classes are 21 to 225 images: the shift moves predictions");
    }

    /** A finished report is replaced only with --overwrite, and only by a run that succeeded. */
    @Test
    @Order(5)
    void aReportIsReplacedOnlyWithOverwriteAndOnlyAfterSuccess() throws Exception {
        Path report = root.resolve("report-shards");
        Files.writeString(report.resolve("my-notes.txt"), "kept");
        byte[] before = Files.readAllBytes(report.resolve("report.json"));
        String ens = root.resolve("ens").toString();
        String test = root.resolve("prep-test").toString();
        assertEquals(2, run("evaluate", "--model", ens, "--report", report.toString(), "--data", test, "--crops", "1"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--overwrite"), err.toString(StandardCharsets.UTF_8));
        // A rerun that fails after it started (prep-test has no train/ split) leaves the old report and no staging.
        assertEquals(2, run("evaluate", "--model", ens, "--report", report.toString(), "--data", test, "--crops", "1",
                "--split", "train", "--overwrite", "true"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("has no train/ split"), err.toString(StandardCharsets.UTF_8));
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(report.resolve("report.json"))));
        try (var s = Files.list(root)) {
            assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("._")).toList());
        }
        // A rerun that succeeds replaces the report; the user's file stays.
        assertEquals(0, run("evaluate", "--model", ens, "--report", report.toString(), "--data", test, "--crops", "1,10",
                "--members", "2", "--overwrite", "true"), err.toString(StandardCharsets.UTF_8));
        assertEquals(5, Files.readAllLines(report.resolve("results.csv")).size(), "1 and 2 members x 1 and 10 crops");
        assertEquals("kept", Files.readString(report.resolve("my-notes.txt")));
        try (var s = Files.list(root)) {
            assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("._")).toList());
        }
    }

    /** The notebooks, executed with Debian's Jupyter on the outputs above (.ci/run installs it). */
    @Test
    @Order(4)
    void notebooksRunOnTheseOutputs() throws Exception {
        Path script = Path.of(System.getProperty("spark.inception.root", ".."), "notebooks", "run-notebooks").toAbsolutePath().normalize();
        assertTrue(Files.isExecutable(script), script + " missing");
        SharedData.requireTool(new File("/usr/bin/jupyter-nbconvert").exists() || new File("/usr/share/jupyter").exists()
                || new File("/usr/lib/python3/dist-packages/nbconvert").exists(), "Debian's jupyter-nbconvert",
                "apt-get install jupyter-nbconvert python3-ipykernel python3-pandas python3-matplotlib");
        Path html = root.resolve("notebooks-out");
        List<String> cmd = new ArrayList<>(List.of(script.toString(), root.resolve("prep").toString(),
                root.resolve("report").toString(), html.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(15, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), log);
        assertTrue(Files.size(html.resolve("data.html")) > 0);
        assertTrue(Files.size(html.resolve("report.html")) > 0);
    }
}
