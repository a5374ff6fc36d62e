package io.sparkinception.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.testing.SharedData;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.util.List;
import org.apache.spark.launcher.JavaModuleOptions;
import org.junit.jupiter.api.Test;

/**
 * conf/java17-module-options, the one file of the JVM options Spark needs on Java 17, agrees with the list Spark's
 * launcher gives every JVM it starts (bin/spark-submit's driver, bin/local-cluster's Master and Workers, the
 * executors), and the test JVMs read it (the root pom's surefire.argLine).
 */
class JavaModuleOptionsTest {
    private static final List<String> SPARK = List.of(JavaModuleOptions.defaultModuleOptionArray());

    private static List<String> file() throws IOException {
        return Files.readAllLines(SharedData.repoRoot().resolve("conf/java17-module-options")).stream()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    @Test
    void everyOptionOfTheFileIsOneSparksLauncherUses() throws IOException {
        List<String> file = file();
        assertFalse(file.isEmpty(), "conf/java17-module-options holds no option");
        assertEquals(List.of(), file.stream().filter(o -> !SPARK.contains(o)).toList(),
                "options Spark's launcher does not use (JavaModuleOptions: " + SPARK + ")");
        assertEquals(file.size(), file.stream().distinct().count(), "an option is listed twice: " + file);
    }

    @Test
    void everyAddOpensOfSparksLauncherIsInTheFile() throws IOException {
        List<String> file = file();
        List<String> opens = SPARK.stream().filter(o -> o.startsWith("--add-opens")).toList();
        assertFalse(opens.isEmpty(), "Spark's launcher lists no --add-opens: " + SPARK);
        assertEquals(List.of(), opens.stream().filter(o -> !file.contains(o)).toList(),
                "--add-opens of Spark's launcher missing from conf/java17-module-options");
    }

    @Test
    void thisTestJvmRunsWithTheFile() throws IOException {
        List<String> jvm = ManagementFactory.getRuntimeMXBean().getInputArguments();
        for (String option : file()) {
            assertTrue(jvm.contains(option), option + " is not among this JVM's options (surefire.argLine must read"
                    + " @conf/java17-module-options): " + jvm);
        }
    }
}
