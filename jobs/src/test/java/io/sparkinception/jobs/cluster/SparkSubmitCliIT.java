package io.sparkinception.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.common.Settings;
import io.sparkinception.preprocessing.PreprocessConfig;
import io.sparkinception.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The command-line contract of {@code bin/spark-submit ... spark-inception.jar preprocess}: --help lists every
 * flag and exits 0; bad arguments exit 2 with one {@code error:} line; a real SPARK_HOME takes over.
 */
class SparkSubmitCliIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    /** The flags issue 2 names; --help must list them whatever reference.conf documents. */
    private static final List<String> ISSUE_FLAGS = List.of("format", "input", "images-root", "class-names", "output",
            "image-size", "shards", "val-fraction", "seed", "split", "reuse-spec");

    private static Path logDir() {
        return SharedData.repoRoot().resolve("jobs/target/it/spark-submit-cli");
    }

    private static SparkSubmitProcess.Result preprocess(String name, String... flags) {
        return SparkSubmitProcess.builder(logDir(), name)
                .args("--master", "local[1]", SparkSubmitProcess.appJar().toString(), "preprocess")
                .args(flags)
                .run(TIMEOUT);
    }

    @Test
    void helpListsEveryFlagAndExitsZero() {
        SparkSubmitProcess.Result r = preprocess("help", "--help");
        assertEquals(0, r.exitCode(), r::describe);
        assertTrue(r.errorLines().isEmpty(), r::describe);
        List<String> documented = Settings.documentation(PreprocessConfig.NAMESPACE).stream()
                .map(Settings.KeyDoc::key).toList();
        assertTrue(documented.containsAll(ISSUE_FLAGS), "reference.conf documents " + documented);
        for (String key : Stream.concat(Stream.of("config"), documented.stream()).toList()) {
            assertTrue(r.stdout().contains("--" + key + " "), "--help does not list --" + key + ":\n" + r.stdout());
        }
    }

    static Stream<Arguments> badArguments() {
        return Stream.of(
                Arguments.of("unknown-flag", List.of("--no-such-flag", "1"), "--no-such-flag"),
                Arguments.of("flag-without-value", List.of("--format", "gtsrb", "--input"), "--input"),
                Arguments.of("missing-required", List.of("--format", "gtsrb", "--input", "in.csv", "--image-size", "32"),
                        "output"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badArguments")
    void badArgumentsExitTwoWithOneErrorLine(String name, List<String> flags, String mentioned) {
        SparkSubmitProcess.Result r = preprocess(name, flags.toArray(String[]::new));
        assertEquals(2, r.exitCode(), r::describe);
        List<String> errors = r.errorLines();
        assertEquals(1, errors.size(), r::describe);
        assertTrue(errors.get(0).startsWith("error: preprocess: ") && errors.get(0).contains(mentioned),
                "the error line does not name " + mentioned + ": " + errors.get(0));
        assertFalse(r.stderr().contains("\tat "), "a stack trace for bad arguments:\n" + r.stderr());
    }

    /**
     * Spark's real launcher turns bin/spark-submit's local-mode default into the driver's -Xmx, and a user's
     * --driver-memory wins over it (SparkSubmitDriverMemoryTest covers the script's decisions without a JVM).
     */
    @Test
    void localModeGetsAQuarterOfTheMachineAsDriverHeapUnlessTheUserSetsIt() {
        String jar = SparkSubmitProcess.appJar().toString();
        SparkSubmitProcess.Result sized = launch("driver-memory-default", "--master", "local[1]", jar, "preprocess",
                "--help");
        assertEquals(0, sized.exitCode(), sized::describe);
        assertTrue(launchCommand(sized).contains(" -Xmx2048m "), "8 GB machine, a quarter: " + launchCommand(sized));
        assertTrue(sized.stderr().contains("bin/spark-submit: local mode and no driver memory set: driver memory 2048m"),
                sized::describe);

        SparkSubmitProcess.Result own = launch("driver-memory-user", "--master", "local[1]", "--driver-memory", "700m",
                jar, "preprocess", "--help");
        assertEquals(0, own.exitCode(), own::describe);
        assertTrue(launchCommand(own).contains(" -Xmx700m "), launchCommand(own));
        assertFalse(own.stderr().contains("bin/spark-submit:"), own::describe);
    }

    private static SparkSubmitProcess.Result launch(String name, String... args) {
        return SparkSubmitProcess.builder(logDir(), name).env("SPARK_PRINT_LAUNCH_COMMAND", "1")
                .env("SPARK_INCEPTION_MEMORY_KB", String.valueOf(8L * 1024 * 1024))
                .env("SPARK_DRIVER_MEMORY", "").env("SPARK_MEM", "").args(args).run(TIMEOUT);
    }

    /** The java command Spark's launcher printed ({@code SPARK_PRINT_LAUNCH_COMMAND}). */
    private static String launchCommand(SparkSubmitProcess.Result r) {
        return Stream.concat(r.stdout().lines(), r.stderr().lines()).filter(l -> l.startsWith("Spark Command: "))
                .findFirst().map(l -> l + " ").orElseThrow(() -> new AssertionError("no launch command: " + r.describe()));
    }

    @Test
    void aRealSparkHomeTakesOver(@TempDir Path fakeHome) throws IOException {
        Path bin = Files.createDirectories(fakeHome.resolve("bin"));
        Path submit = bin.resolve("spark-submit");
        Files.writeString(submit, "#!/bin/sh\nfor a in \"$@\"; do printf '[%s]\\n' \"$a\"; done\nexit 7\n");
        Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));

        List<String> args = List.of("--master", "spark://example:7077", "--conf", "spark.app.name=two words",
                "app.jar", "preprocess", "--input", "it's \"quoted\"");
        SparkSubmitProcess.Result r = SparkSubmitProcess.builder(logDir(), "fake-spark-home")
                .env("SPARK_HOME", fakeHome.toString()).args(args).run(TIMEOUT);
        assertEquals(7, r.exitCode(), "the fake spark-submit's exit code is passed on: " + r.describe());
        assertEquals(args.stream().map(a -> "[" + a + "]").toList(), r.stdout().lines().toList(), r::describe);
    }
}
