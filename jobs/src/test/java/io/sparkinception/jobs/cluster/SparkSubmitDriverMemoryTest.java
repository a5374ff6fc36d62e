package io.sparkinception.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * bin/spark-submit's driver memory for local mode: set (through SPARK_DRIVER_MEMORY, with one stderr line) when the
 * master is local and nothing sets the driver memory; left alone when the user sets it anywhere or the master is not
 * local. The script runs against a fake Spark installation whose bin/spark-submit prints the SPARK_DRIVER_MEMORY it
 * received and its arguments, so no JVM starts; the machine's memory is given with SPARK_INCEPTION_MEMORY_KB.
 * (SparkSubmitCliIT checks, with Spark's real launcher, that the variable becomes the driver's -Xmx.)
 */
class SparkSubmitDriverMemoryTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final long GB_KB = 1024L * 1024;
    private static final String LINE = "bin/spark-submit: local mode and no driver memory set: driver memory ";

    @TempDir
    Path dir;
    private Path home;
    private Path confDir;

    @BeforeEach
    void fakeSparkHome() throws IOException {
        home = dir.resolve("spark");
        Path submit = Files.createDirectories(home.resolve("bin")).resolve("spark-submit");
        Files.writeString(submit, "#!/bin/sh\necho \"memory=[${SPARK_DRIVER_MEMORY:-}]\"\n"
                + "for a in \"$@\"; do printf '[%s]\\n' \"$a\"; done\n");
        Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
        confDir = Files.createDirectories(dir.resolve("conf"));
    }

    /** What the fake spark-submit received. */
    private record Seen(String memory, List<String> args, List<String> sizingLines) {
    }

    private Seen submit(long machineKb, List<String> args, String... env) {
        SparkSubmitProcess.Builder b = SparkSubmitProcess.builder(SharedData.repoRoot().resolve(
                        "jobs/target/spark-submit-driver-memory"), "run")
                .env("SPARK_HOME", home.toString()).env("SPARK_CONF_DIR", confDir.toString())
                .env("SPARK_DRIVER_MEMORY", "").env("SPARK_MEM", "")
                .env("SPARK_INCEPTION_MEMORY_KB", String.valueOf(machineKb)).args(args);
        for (int i = 0; i < env.length; i += 2) {
            b.env(env[i], env[i + 1]);
        }
        SparkSubmitProcess.Result r = b.run(TIMEOUT);
        assertEquals(0, r.exitCode(), r::describe);
        List<String> out = r.stdout().lines().toList();
        assertTrue(out.get(0).startsWith("memory=["), r::describe);
        String memory = out.get(0).substring("memory=[".length(), out.get(0).length() - 1);
        List<String> passed = out.subList(1, out.size()).stream().map(a -> a.substring(1, a.length() - 1)).toList();
        assertEquals(args, passed, "the arguments reach spark-submit unchanged");
        return new Seen(memory, passed, r.stderr().lines().filter(l -> l.startsWith("bin/spark-submit:")).toList());
    }

    private static List<String> app(String... options) {
        List<String> args = new ArrayList<>(List.of(options));
        // After the jar, --driver-memory and --master are the application's arguments, not spark-submit's.
        args.addAll(List.of("app.jar", "preprocess", "--driver-memory", "1g", "--master", "spark://elsewhere:7077"));
        return args;
    }

    static Stream<Arguments> localMasters() {
        return Stream.of(Arguments.of(List.of("--master", "local[2]")), Arguments.of(List.of("--master", "local")),
                Arguments.of(List.of("--master", "local[*]")), Arguments.of(List.of("--master=local[4,2]")),
                Arguments.of(List.of("--verbose", "--conf", "spark.master=local[2]")), Arguments.of(List.of()));
    }

    @ParameterizedTest
    @MethodSource("localMasters")
    void localModeWithoutASettingGetsAQuarterOfTheMachineAndSaysSo(List<String> options) {
        Seen s = submit(16 * GB_KB, app(options.toArray(String[]::new)));
        assertEquals("4096m", s.memory());
        assertEquals(1, s.sizingLines().size(), s.sizingLines()::toString);
        assertTrue(s.sizingLines().get(0).startsWith(LINE + "4096m (a quarter of this machine's 16384 MB"),
                s.sizingLines().get(0));
    }

    @Test
    void theDriverMemoryIsRoundedDownAndBounded() {
        assertEquals("5888m", submit(24683620, app("--master", "local[2]")).memory(), "23.5 GB: 5.9 GB in 256 MB steps");
        Seen small = submit(2 * GB_KB, app("--master", "local[2]"));
        assertEquals("1024m", small.memory(), "never below Spark's default");
        assertTrue(small.sizingLines().get(0).contains("Spark's default 1g"), small.sizingLines()::toString);
        Seen big = submit(256 * GB_KB, app("--master", "local[2]"));
        assertEquals("16384m", big.memory(), "at most 16g");
        assertTrue(big.sizingLines().get(0).contains("the 16g cap"), big.sizingLines()::toString);
    }

    static Stream<Arguments> userSettings() {
        return Stream.of(Arguments.of("--driver-memory", List.of("--master", "local[2]", "--driver-memory", "3g")),
                Arguments.of("--driver-memory=", List.of("--master", "local[2]", "--driver-memory=3g")),
                Arguments.of("--conf", List.of("--master", "local[2]", "--conf", "spark.driver.memory=3g")),
                Arguments.of("-c", List.of("-c", "spark.driver.memory=3g", "--master", "local[2]")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("userSettings")
    void aUsersSettingOnTheCommandLineIsLeftAlone(String name, List<String> options) {
        Seen s = submit(16 * GB_KB, app(options.toArray(String[]::new)));
        assertEquals("", s.memory());
        assertEquals(List.of(), s.sizingLines());
    }

    @Test
    void aUsersSettingInAPropertiesFileOrTheEnvironmentIsLeftAlone() throws IOException {
        Path props = Files.writeString(dir.resolve("my.conf"), "# mine\nspark.driver.memory   3g\n");
        Seen fromFile = submit(16 * GB_KB, app("--master", "local[2]", "--properties-file", props.toString()));
        assertEquals("", fromFile.memory());
        assertEquals(List.of(), fromFile.sizingLines());

        Files.writeString(confDir.resolve("spark-defaults.conf"), "spark.driver.memory=3g\n");
        Seen fromDefaults = submit(16 * GB_KB, app("--master", "local[2]"));
        assertEquals("", fromDefaults.memory());
        assertEquals(List.of(), fromDefaults.sizingLines());
        Files.delete(confDir.resolve("spark-defaults.conf"));

        Seen fromEnv = submit(16 * GB_KB, app("--master", "local[2]"), "SPARK_DRIVER_MEMORY", "3g");
        assertEquals("3g", fromEnv.memory());
        assertEquals(List.of(), fromEnv.sizingLines());
    }

    static Stream<Arguments> otherMasters() {
        return Stream.of(Arguments.of(List.of("--master", "spark://127.0.0.1:7077")),
                Arguments.of(List.of("--master", "yarn", "--deploy-mode", "client")),
                Arguments.of(List.of("--master", "k8s://https://127.0.0.1:6443")),
                Arguments.of(List.of("--master", "local-cluster[2,1,1024]")),
                Arguments.of(List.of("--conf", "spark.master=yarn")));
    }

    @ParameterizedTest
    @MethodSource("otherMasters")
    void otherMastersAreLeftAlone(List<String> options) {
        Seen s = submit(16 * GB_KB, app(options.toArray(String[]::new)));
        assertEquals("", s.memory());
        assertEquals(List.of(), s.sizingLines());
    }

    @Test
    void aMasterFromThePropertiesFileCounts() throws IOException {
        Path props = Files.writeString(dir.resolve("cluster.conf"), "spark.master spark://127.0.0.1:7077\n");
        assertEquals("", submit(16 * GB_KB, app("--properties-file", props.toString())).memory());
        Files.writeString(confDir.resolve("spark-defaults.conf"), "spark.master: local[2]\n");
        assertEquals("4096m", submit(16 * GB_KB, app()).memory());
    }
}
