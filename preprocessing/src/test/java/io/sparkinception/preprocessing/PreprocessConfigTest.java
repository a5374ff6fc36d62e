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
        assertEquals(new PreprocessConfig.NewSpec(64, new PreprocessConfig.CropSpec(0.0, false, Interpolation.AREA),
                PixelStorage.FLOAT32, false), c.spec(), "flags override the file, which overrides reference.conf");
        assertEquals(Split.VAL, c.split());
        assertEquals(0.1, c.valFraction(), "reference.conf default");
        assertEquals(new PreprocessConfig.Reads(false, 256L << 20, 100_000_000L), c.reads(), "read limits' defaults");
    }

    @Test
    void readLimitsAreSettingsWithUnits() {
        PreprocessConfig c = PreprocessConfig.load(null, Map.of("input", "a.csv", "output", "/o", "image-size", "64",
                "allow-paths-outside-root", "true", "max-file-bytes", "1M", "max-pixels", "4000000"));
        assertEquals(new PreprocessConfig.Reads(true, 1L << 20, 4_000_000L), c.reads());
    }

    @Test
    void reuseSpecTakesTheSpecFromTheMetadataNotFromTheSettings() {
        PreprocessConfig c = PreprocessConfig.load(null, Map.of("input", "t.csv", "output", "/o", "split", "test",
                "reuse-spec", "/train/metadata.json", "image-size", "64"));
        assertEquals(new PreprocessConfig.ReusedSpec("/train/metadata.json"), c.spec());
        assertEquals("/train/metadata.json", c.reuseSpec());
        assertEquals(null, PreprocessConfig.load(null, Map.of("input", "a.csv", "output", "/o", "image-size", "8"))
                .reuseSpec());
    }

    @Test
    void theBuilderSetsTheSpecOnceAndDefaultsTheRestLikeReferenceConf() {
        SourceSpec source = PreprocessConfig.load(null, Map.of("input", "a.csv", "output", "/o", "image-size", "8")).source();
        PreprocessConfig.CropSpec crop = new PreprocessConfig.CropSpec(0.1, true, Interpolation.AREA);
        PreprocessConfig built = PreprocessConfig.builder(source, "/o").newSpec(8, crop).build();
        PreprocessConfig loaded = PreprocessConfig.load(null, Map.of("input", "a.csv", "output", "/o", "image-size", "8",
                "margin", "0.1", "square", "true", "interpolation", "area"));
        assertEquals(loaded, built);
        PreprocessConfig reused = PreprocessConfig.builder(source, "/t").reuseSpec("/o/metadata.json").split(Split.TEST)
                .build();
        assertEquals(new PreprocessConfig.ReusedSpec("/o/metadata.json"), reused.spec());
        IllegalStateException twice = assertThrows(IllegalStateException.class,
                () -> PreprocessConfig.builder(source, "/t").newSpec(8, crop).reuseSpec("/o/metadata.json"));
        assertTrue(twice.getMessage().contains("set it once"), twice.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PreprocessConfig.builder(source, "/t").build())
                .getMessage().contains("image-size is required"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new PreprocessConfig.NewSpec(5000, crop,
                PixelStorage.UINT8, false)).getMessage().contains("image-size must be between 1 and 4096, got 5000"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new PreprocessConfig.ReusedSpec(" "))
                .getMessage().contains("reuse-spec needs the path"));
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

    @Test
    void compressionDefaultsToSnappyAndRejectsUnknownCodecsNamingTheKnownOnes() {
        Map<String, String> base = Map.of("input", "a.csv", "output", "/o", "image-size", "64");
        assertEquals(ShardCompression.SNAPPY, PreprocessConfig.load(null, base).compression(), "reference.conf default");
        for (ShardCompression c : ShardCompression.values()) {
            Map<String, String> flags = new java.util.HashMap<>(base);
            flags.put("compression", c.id().toUpperCase(java.util.Locale.ROOT));
            assertEquals(c, PreprocessConfig.load(null, flags).compression());
        }
        Map<String, String> bad = new java.util.HashMap<>(base);
        bad.put("compression", "lzo");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PreprocessConfig.load(null, bad));
        assertEquals("unknown compression 'lzo' (known: snappy, uncompressed, zstd, lz4_raw, gzip)", e.getMessage());
        SourceSpec source = PreprocessConfig.load(null, base).source();
        assertEquals(ShardCompression.SNAPPY, PreprocessConfig.builder(source, "/o").newSpec(8,
                new PreprocessConfig.CropSpec(0, false, Interpolation.BILINEAR)).build().compression(), "builder default");
    }
}
