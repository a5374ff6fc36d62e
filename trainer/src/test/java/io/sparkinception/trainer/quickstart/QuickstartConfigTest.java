package io.sparkinception.trainer.quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuickstartConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaultsComeFromReferenceConfAndTheOutputIsMadeAbsolute() {
        QuickstartConfig c = QuickstartConfig.load(null, Map.of("classes", "4", "epochs", "0"));
        assertEquals(Path.of("quickstart-out").toAbsolutePath(), c.output());
        assertTrue(c.synthetic());
        assertEquals(4, c.classes());
        assertEquals(0, c.epochs());
        assertEquals(48, c.imageSize(), "reference.conf default");
        assertEquals(3, c.members(), "reference.conf default");
    }

    @Test
    void aDatasetIsAKindAndAnExistingDirectory() {
        QuickstartConfig c = QuickstartConfig.load(null, Map.of("data", "voc:" + dir));
        assertEquals("voc", c.dataKind());
        assertEquals(dir.toString(), c.dataDir());
        assertMessage("data must be empty, gtsrb:DIR or voc:DIR with an existing DIR, got '" + dir + "'",
                Map.of("data", dir.toString()));
        assertMessage("data must be empty, gtsrb:DIR or voc:DIR", Map.of("data", "gtsrb:" + dir.resolve("missing")));
        assertMessage("unknown data kind 'coco' (known: gtsrb, voc)", Map.of("data", "coco:" + dir));
    }

    @Test
    void badNumbersAreErrorsBeforeAnyStepRuns() {
        assertMessage("image-size must be at least 8, got 4", Map.of("image-size", "4"));
        assertMessage("members must be >= 1, got 0", Map.of("members", "0"));
        assertMessage("epochs must be >= 0", Map.of("epochs", "-1"));
        assertMessage("bad setting", Map.of("members", "three"));
        assertMessage("unknown setting 'member'", Map.of("member", "3"));
    }

    private static void assertMessage(String expected, Map<String, String> flags) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QuickstartConfig.load(null, new HashMap<>(flags)));
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }
}
