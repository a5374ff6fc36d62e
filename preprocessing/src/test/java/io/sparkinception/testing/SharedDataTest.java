package io.sparkinception.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** Missing shared data skips a test on a user's clone (one line per class) and fails it under CI=true. */
class SharedDataTest {
    private static final Path MISSING = Path.of("/nonexistent/shared/data/gtsrb/Train.csv");

    @Test
    void missingDataIsASkipWithOneLinePerClass() {
        PrintStream saved = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            assertThrows(TestAbortedException.class, () -> SharedData.missing(MISSING, "SomeE2eTest", false));
            assertThrows(TestAbortedException.class, () -> SharedData.missing(MISSING, "SomeE2eTest", false));
        } finally {
            System.setOut(saved);
        }
        String out = printed.toString(StandardCharsets.UTF_8);
        assertEquals(1, out.lines().count(), out);
        assertTrue(out.startsWith("SKIPPED SomeE2eTest: needs " + MISSING) && out.contains("spark.inception.shared"), out);
    }

    @Test
    void missingDataFailsUnderCi() {
        AssertionError e = assertThrows(AssertionError.class, () -> SharedData.missing(MISSING, "SomeE2eTest", true));
        assertTrue(e.getMessage().contains("CI=true") && e.getMessage().contains(MISSING.toString()), e.getMessage());
    }
}
