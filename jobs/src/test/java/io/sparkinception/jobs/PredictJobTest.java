package io.sparkinception.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** predict's command-line contract: its flags in --help, and bad arguments as one-line errors with exit code 2. */
class PredictJobTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        out.reset();
        err.reset();
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String error() {
        String e = err.toString(StandardCharsets.UTF_8).strip();
        assertEquals(1, e.lines().count(), e);
        return e;
    }

    @Test
    void isListedAndDocumentsEveryFlag() {
        assertEquals(0, run("--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("  predict "));
        assertEquals(0, run("predict", "--help"));
        String help = out.toString(StandardCharsets.UTF_8);
        for (String flag : new String[] {"--model (default \"\") (required)", "--output (default \"\") (required)",
            "--format", "--input", "--images-root", "--images", "--members", "--weights", "--batch-size", "--partitions",
            "--overwrite", "--class-prior"}) {
            assertTrue(help.contains("  " + flag), flag + " missing from:\n" + help);
        }
        // Every flag has its reference.conf comment.
        assertTrue(help.lines().filter(l -> l.startsWith("      ")).noneMatch(l -> l.isBlank()), help);
    }

    @Test
    void badArgumentsExitWithCodeTwoAndOneLine() {
        assertEquals(2, run("predict", "--output", "o", "--images", "d"));
        assertTrue(error().contains("model is required"), error());
        assertEquals(2, run("predict", "--model", "m", "--output", "o"));
        assertTrue(error().contains("give either --format F --input PATH"), error());
        assertEquals(2, run("predict", "--model", "m", "--output", "o", "--images", "d", "--format", "gtsrb", "--input", "t.csv"));
        assertTrue(error().contains("not both"), error());
        assertEquals(2, run("predict", "--model", "m", "--output", "o", "--input", "t.csv"));
        assertTrue(error().contains("needs both --format and --input"), error());
        assertEquals(2, run("predict", "--model", "m", "--output", "o", "--images", "d", "--batch-size", "0"));
        assertTrue(error().contains("batch-size must be >= 1"), error());
        assertEquals(2, run("predict", "--model", "m", "--output", "o", "--images", "d", "--weights", "best"));
        assertTrue(error().contains("weights must be final or ema"), error());
        assertEquals(2, run("predict", "--model", "m", "--output", "o", "--crops", "10"));
        assertTrue(error().startsWith("error: predict: unknown flag --crops"), error());
    }
}
