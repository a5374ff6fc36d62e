package io.sparkinception.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.common.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command-line contract, run in-process (the cluster tests run the same through bin/spark-submit). */
class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void helpListsEveryFlagWithItsDefault() {
        assertEquals(0, run("preprocess", "--help"));
        String help = out.toString(StandardCharsets.UTF_8);
        for (String flag : new String[] {"--format", "--input", "--images-root", "--class-names", "--output", "--image-size",
            "--shards", "--val-fraction", "--seed", "--split", "--reuse-spec", "--csv.label-column"}) {
            assertTrue(help.contains("  " + flag + " (default "), flag + " missing from:\n" + help);
        }
        assertTrue(help.contains("--image-size (default 0) (required)"));
        assertEquals(0, run("train", "--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--averaging-frequency (default 5)"));
        // An optional key has no default value: omitting it selects the default behaviour its comment names.
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--workers (optional)"));
    }

    @Test
    void badArgumentsExitWithCodeTwoAndOneLine() {
        assertEquals(2, run("preprocess", "--bogus", "1"));
        assertEquals(2, run("preprocess", "--input"));
        assertEquals(2, run("preprocess", "--input", "x.csv", "--output", "/tmp/x"));
        assertEquals(2, run("train", "--data", "d", "--output", "o", "--family", "alexnet"));
        assertEquals(2, run("nosuchcommand"));
        String[] lines = err.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertEquals(5, lines.length, String.join("\n", lines));
        assertTrue(lines[0].startsWith("error: preprocess: unknown flag --bogus"), lines[0]);
        assertTrue(lines[1].contains("flag --input needs a value"), lines[1]);
        assertTrue(lines[2].contains("image-size is required"), lines[2]);
        assertTrue(lines[3].contains("alexnet"), lines[3]);
        assertTrue(lines[4].contains("unknown command 'nosuchcommand'"), lines[4]);
    }

    @Tag("e2e") // quickstart end to end in local[2]
    @Test
    void quickstartRunsEndToEndOnGeneratedData(@TempDir Path dir) throws Exception {
        System.setProperty("spark.master", "local[2]");
        try {
            int code = run("quickstart", "--output", dir.toString(), "--classes", "4", "--train-per-class", "60",
                    "--test-per-class", "15", "--image-size", "24", "--epochs", "3", "--members", "2");
            assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        } finally {
            System.clearProperty("spark.master");
        }
        JsonNode train = Json.mapper().readTree(Files.readString(dir.resolve("prep/metadata.json")));
        assertEquals(240, train.at("/counts/input_records").asInt());
        assertEquals(240, train.at("/counts/written").asInt());
        assertEquals(4, train.at("/classes").size());
        JsonNode test = Json.mapper().readTree(Files.readString(dir.resolve("prep-test/metadata.json")));
        assertEquals(60, test.at("/counts/per_split/test").asInt());
        assertEquals(train.at("/spec/mean"), test.at("/spec/mean"));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("quickstart: done"), printed);
        assertTrue(printed.contains("report.html"), printed);
        JsonNode ensemble = Json.mapper().readTree(Files.readString(dir.resolve("ensemble/ensemble.json")));
        assertEquals(2, ensemble.get("members").size());
        JsonNode report = Json.mapper().readTree(Files.readString(dir.resolve("report/report.json")));
        // 1 member and 2 members, each with 1 and 10 crops.
        assertEquals(4, report.get("results").size(), report.get("results").toString());
        assertEquals(60, report.at("/data/examples").asInt());
        // Above chance: 4 classes, so chance is a 75 % top-1 error.
        for (JsonNode r : report.get("results")) {
            assertTrue(r.get("top1_error").asDouble() < 0.75, r.toString());
        }
        assertTrue(Files.size(dir.resolve("report/report.html")) > 10_000);
    }

    @Test
    void modelsPrintsJsonPerFamily() throws Exception {
        assertEquals(0, run("models", "--family", "googlenet", "--classes", "10", "--image-size", "75", "--width", "0.25",
                "--aux", "false", "--json"));
        JsonNode json = Json.mapper().readTree(out.toString(StandardCharsets.UTF_8));
        assertEquals(1, json.size());
        JsonNode g = json.get(0);
        assertEquals("googlenet", g.get("family").asText());
        assertTrue(g.get("params").asLong() > 10_000, g.toString());
        assertTrue(g.get("flops_per_image").asLong() > g.get("params").asLong());
        JsonNode last = g.get("endpoints").get(g.get("endpoints").size() - 1);
        assertEquals("Logits", last.get("name").asText());
        assertEquals(10, last.get("shape").get(last.get("shape").size() - 1).asInt());
        assertEquals(2, run("models", "--family", "resnet50"));
    }

    @Test
    void modelsJsonSaysWhichKernelsEachLayerTypeRunsOn() throws Exception {
        assertEquals(0, run("models", "--family", "googlenet", "--classes", "10", "--image-size", "75", "--width", "0.25",
                "--json", "--kernels", "onednn"));
        JsonNode k = Json.mapper().readTree(out.toString(StandardCharsets.UTF_8)).get(0).get("kernels");
        assertEquals("onednn", k.get("effective").asText(), k.toString());
        assertEquals(59, k.get("layers").get("ConvolutionLayer").get("oneDNN").asInt(), k.toString());
        assertEquals(59, k.get("layers").get("BatchNormReluLayer").get("oneDNN").asInt(), k.toString());
        assertTrue(k.get("layers").get("OutputLayer").has("built-in"), k.toString());
    }
}
