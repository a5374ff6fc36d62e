package io.sparkinception.preprocessing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.preprocessing.annotations.SourceSpec;
import io.sparkinception.preprocessing.annotations.Split;
import io.sparkinception.preprocessing.image.Interpolation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreprocessConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaultsFileAndFlagsLayerInThatOrder() throws Exception {
        Path conf = Files.writeString(dir.resolve("p.conf"), """
                spark-inception.preprocess {
                  format = voc
                  input = /data/voc
                  output = /out
                  image-size = 96
                  interpolation = area
                }
                """);
        PreprocessConfig c = PreprocessConfig.load(conf.toString(), Map.of("image-size", "64", "split", "val"));
        assertEquals(SourceSpec.Format.VOC, c.source().format());
        assertEquals(64, c.imageSize(), "flags override the file");
        assertEquals(Interpolation.AREA, c.crop().interpolation());
        assertEquals(Split.VAL, c.split());
        assertEquals(0.1, c.valFraction(), "reference.conf default");
        assertEquals(PixelStorage.FLOAT32, c.storage());
        assertEquals(new PreprocessConfig.Reads(false, 256L << 20, 100_000_000L), c.reads(), "read limits' defaults");
    }

    @Test
    void readLimitsAreSettingsWithUnits() {
        PreprocessConfig c = PreprocessConfig.load(null, Map.of("input", "a.csv", "output", "/o", "image-size", "64",
                "allow-paths-outside-root", "true", "max-file-bytes", "1M", "max-pixels", "4000000"));
        assertEquals(new PreprocessConfig.Reads(true, 1L << 20, 4_000_000L), c.reads());
    }

    @Test
    void unknownKeysAreErrorsListingTheKnownOnes() throws Exception {
        Path conf = Files.writeString(dir.resolve("typo.conf"), "spark-inception.preprocess.image-szie = 64\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PreprocessConfig.load(conf.toString(), Map.of()));
        assertTrue(e.getMessage().startsWith("unknown setting 'image-szie' for preprocess (known: "), e.getMessage());
        Path section = Files.writeString(dir.resolve("section.conf"), "spark-inception.preproces.input = x\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PreprocessConfig.load(section.toString(), Map.of()))
                .getMessage().contains("unknown section 'spark-inception.preproces'"));
    }

    @Test
    void badValuesGivePreciseMessages() {
        Map<String, String> base = Map.of("input", "a.csv", "output", "/o", "image-size", "64");
        assertMessage("output is required", Map.of("input", "a.csv", "image-size", "64"));
        assertMessage("image-size is required", Map.of("input", "a.csv", "output", "/o"));
        assertMessage("unknown storage 'fp8'", with(base, "storage", "fp8"));
        assertMessage("unknown format 'coco'", with(base, "format", "coco"));
        assertMessage("unknown interpolation 'lanczos'", with(base, "interpolation", "lanczos"));
        assertMessage("val-fraction must be in [0, 1)", with(base, "val-fraction", "1.5"));
        assertMessage("split=test needs reuse-spec", with(base, "split", "test"));
        assertMessage("unknown split 'holdout'", with(base, "split", "holdout"));
        assertMessage("bad setting", with(base, "image-size", "big"));
        assertMessage("csv.delimiter must be one character", with(base, "csv.delimiter", ";;"));
        assertMessage("max-pixels must be positive, got 0", with(base, "max-pixels", "0"));
        assertMessage("max-file-bytes must be positive, got 0", with(base, "max-file-bytes", "0"));
        assertMessage("bad setting", with(base, "allow-paths-outside-root", "maybe"));
    }

    private static Map<String, String> with(Map<String, String> base, String k, String v) {
        java.util.HashMap<String, String> m = new java.util.HashMap<>(base);
        m.put(k, v);
        return m;
    }

    private static void assertMessage(String expected, Map<String, String> flags) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PreprocessConfig.load(null, flags));
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }
}
