package io.sparkinception.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.common.Json;
import io.sparkinception.preprocessing.DatasetMetadata;
import io.sparkinception.preprocessing.annotations.ClassInfo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad settings, outputs the project did not write and broken model files are refused by the jobs with exit code 2
 * and one {@code error:} line, on the driver, before any SparkSession exists.
 */
class PreflightTest {
    @TempDir
    Path dir;
    private Path data;
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void preprocessedData() throws Exception {
        data = Files.createDirectories(dir.resolve("gtsrb-32"));
        DatasetMetadata.Spec spec = new DatasetMetadata.Spec(32, 3, "CHW", "float32", "area", 0.1, true, false,
                new double[] {0, 0, 0}, new double[] {1, 1, 1}, 100);
        DatasetMetadata.Counts counts = new DatasetMetadata.Counts(50, 50, 0, Map.of("train", 45L, "val", 5L), Map.of(), Map.of());
        DatasetMetadata m = new DatasetMetadata(DatasetMetadata.FORMAT_VERSION, "now", Map.of(), null, spec,
                List.of(new ClassInfo(0, "a", "a"), new ClassInfo(1, "b", "b"), new ClassInfo(2, "c", "c")), counts,
                Map.of("train", 1), List.of());
        Files.writeString(data.resolve("metadata.json"), Json.toJson(m));
    }

    /** Runs a command; asserts exit code 2, one error line naming the command, and no Spark session. */
    private String refused(String... args) {
        err.reset();
        int code = Main.run(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, e);
        assertEquals(1, e.lines().count(), e);
        assertTrue(e.startsWith("error: " + args[0] + ": "), e);
        assertTrue(SparkSession.getDefaultSession().isEmpty() && SparkSession.getActiveSession().isEmpty(),
                "refused before a SparkSession was built");
        return e;
    }

    private Path userDirectory() throws Exception {
        Path user = Files.createDirectories(dir.resolve("my-files"));
        Files.writeString(user.resolve("thesis.tex"), "do not delete");
        return user;
    }

    private static void assertUntouched(Path user) throws Exception {
        assertEquals("do not delete", Files.readString(user.resolve("thesis.tex")));
        try (Stream<Path> s = Files.list(user)) {
            assertEquals(1, s.count());
        }
    }

    @Test
    void trainSettingsFailBeforeSparkInTheUsersWords() {
        String out = dir.resolve("out").toString();
        assertTrue(refused("train", "--data", data.toString(), "--output", out, "--width", "0")
                .contains("--width must be in (0, 4], got 0"));
        assertTrue(refused("train", "--data", data.toString(), "--output", out, "--family", "inception-v3")
                .contains("--family inception-v3 needs images of at least 75 px"));
        assertTrue(refused("train", "--data", data.toString(), "--output", out, "--workers", "100")
                .contains("--workers 100 is more than the 45 training examples"));
        assertTrue(refused("train", "--data", data.toString(), "--output", out, "--workers", "1",
                "--averaging-frequency", "20").contains("the largest allowed is 2"));
        assertTrue(refused("train", "--data", dir.resolve("nothing").toString(), "--output", out)
                .contains("no metadata at"));
        assertFalse(Files.exists(dir.resolve("out")));
    }

    @Test
    void ensembleSettingsFailBeforeSpark() {
        String out = dir.resolve("ens").toString();
        assertTrue(refused("ensemble", "--data", data.toString(), "--output", out, "--members", "2", "--families",
                "googlenet,inception-v4").contains("member-2 (inception-v4)"));
        assertTrue(refused("ensemble", "--data", data.toString(), "--output", out, "--wide-width", "5")
                .contains("the largest width is 4.0"));
        assertFalse(Files.exists(dir.resolve("ens")));
    }

    @Test
    void trainRefusesAUserDirectoryAndLeavesItUntouched() throws Exception {
        Path user = userDirectory();
        assertTrue(refused("train", "--data", data.toString(), "--output", user.toString(), "--workers", "2",
                "--averaging-frequency", "1").contains("is not a train output"));
        assertTrue(refused("train", "--data", data.toString(), "--output", user.toString(), "--workers", "2",
                "--averaging-frequency", "1", "--resume").contains("is not a train output"));
        assertUntouched(user);
    }

    @Test
    void ensembleRefusesAUserDirectoryAndLeavesItUntouched() throws Exception {
        Path user = userDirectory();
        assertTrue(refused("ensemble", "--data", data.toString(), "--output", user.toString(), "--members", "2",
                "--workers", "2", "--averaging-frequency", "1").contains("is not an ensemble output"));
        assertUntouched(user);
    }

    @Test
    void evaluateRefusesAUserDirectoryAndLeavesItUntouched() throws Exception {
        Path user = userDirectory();
        assertTrue(refused("evaluate", "--model", dir.resolve("model").toString(), "--report", user.toString(),
                "--data", data.toString()).contains("is not an evaluate output"));
        assertUntouched(user);
    }

    @Test
    void predictRefusesAUserDirectoryAndLeavesItUntouched() throws Exception {
        Path user = userDirectory();
        assertTrue(refused("predict", "--model", dir.resolve("model").toString(), "--output", user.toString(),
                "--images", dir.toString(), "--overwrite", "true").contains("is not a predict output"));
        assertUntouched(user);
    }

    @Test
    void aBrokenModelFileIsOneLineWithItsPath() throws Exception {
        Path model = Files.createDirectories(dir.resolve("model"));
        Files.writeString(model.resolve("summary.json"), "{\"family\": \"googlenet\"}");
        Files.copy(data.resolve("metadata.json"), model.resolve("metadata.json"));
        Files.write(model.resolve("inference-model.zip"), new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0});
        String e = refused("evaluate", "--model", model.toString(), "--report", dir.resolve("report").toString(),
                "--data", data.toString());
        assertTrue(e.contains("model file file:" + model.resolve("inference-model.zip") + " cannot be loaded: truncated"), e);
        e = refused("predict", "--model", model.toString(), "--output", dir.resolve("pred").toString(),
                "--images", dir.toString());
        assertTrue(e.contains("inference-model.zip cannot be loaded"), e);
        assertFalse(Files.exists(dir.resolve("report")));
        assertFalse(Files.exists(dir.resolve("pred")));
    }
}
