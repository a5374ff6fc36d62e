package io.sparkinception.trainer.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.preprocessing.PixelStorage;
import io.sparkinception.preprocessing.image.Normalization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The compact partition copy: written once, mapped in windows within the cap, read back byte for byte. */
class CompactPartitionTest {
    private static final float[] MEAN = {120.5f, 99.25f, 80f};
    private static final float[] SCALE = {58.3f, 57.1f, 1f};

    @TempDir
    Path dir;

    private static PixelLayout layout(PixelStorage e) {
        return new PixelLayout(e, 3, 5, MEAN, SCALE);
    }

    /** {@code n} examples with random stored bytes, in a shuffled seq order (as a shuffle delivers them). */
    private static List<StoredExample> examples(PixelLayout layout, int n, long seed) {
        Random r = new Random(seed);
        List<StoredExample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] px = new byte[layout.bytesPerExample()];
            r.nextBytes(px);
            out.add(new StoredExample(1000L + 7L * i, r.nextInt(43), px));
        }
        Collections.shuffle(out, r);
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(PixelStorage.class)
    void writesOnceAndReadsBackTheExactBytesInSeqOrder(PixelStorage encoding) throws Exception {
        PixelLayout layout = layout(encoding);
        List<StoredExample> data = examples(layout, 50, 1);
        Path file = dir.resolve("p0.bin");
        assertEquals(50, CompactPartition.write(file, layout, data.iterator()));
        assertEquals(32 + 50L * layout.bytesPerExample() + 50 * 16, file.toFile().length(), "header, records, index");
        List<StoredExample> sorted = new ArrayList<>(data);
        sorted.sort(Comparator.comparingLong(StoredExample::seq));
        try (CompactPartition p = CompactPartition.open(file, layout, new MappedWindows(1 << 20))) {
            assertEquals(50, p.size());
            for (int i = 0; i < 50; i++) {
                assertEquals(sorted.get(i).seq(), p.seq(i));
                assertEquals(sorted.get(i).label(), p.label(i));
                assertArrayEquals(sorted.get(i).pixels(), p.storedBytes(i));
            }
        }
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file left behind");
        }
    }

    @Test
    void everyEncodingDecodesBitForBitAsTheShardReaderDoes() {
        byte[] u8 = examples(layout(PixelStorage.UINT8), 1, 2).get(0).pixels();
        assertArrayEquals(Normalization.normalizeChw(PixelStorage.fromUint8(u8), 3, MEAN, SCALE),
                layout(PixelStorage.UINT8).decode(u8, 0));
        float[] values = new float[75];
        Random r = new Random(3);
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) r.nextGaussian() * 3;
        }
        byte[] f16 = PixelStorage.toHalf(values);
        assertArrayEquals(Normalization.normalizeChw(PixelStorage.fromHalf(f16), 3, MEAN, SCALE),
                layout(PixelStorage.FLOAT16).decode(f16, 0));
        java.nio.ByteBuffer f32 = java.nio.ByteBuffer.allocate(300).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            f32.putFloat(v);
        }
        assertArrayEquals(Normalization.normalizeChw(values, 3, MEAN, SCALE), layout(PixelStorage.FLOAT32).decode(f32.array(), 0));
        // Format 1 shards stored float16 and float32 normalized: decoded as stored.
        assertArrayEquals(PixelStorage.fromHalf(f16), formatOne(PixelStorage.FLOAT16).decode(f16, 0));
        assertArrayEquals(values, formatOne(PixelStorage.FLOAT32).decode(f32.array(), 0));
        assertArrayEquals(layout(PixelStorage.UINT8).decode(u8, 0), formatOne(PixelStorage.UINT8).decode(u8, 0));
    }

    private static PixelLayout formatOne(PixelStorage e) {
        return new PixelLayout(e, 3, 5, MEAN, SCALE, true);
    }

    @Test
    void neverMapsMoreThanTheCap() {
        PixelLayout layout = layout(PixelStorage.FLOAT32); // 300 bytes per example
        List<StoredExample> data = examples(layout, 200, 4);
        Path file = dir.resolve("p1.bin");
        CompactPartition.write(file, layout, data.iterator());
        long cap = 12 * 300; // windows of 3 examples, at most 4 mapped
        MappedWindows windows = new MappedWindows(cap);
        List<StoredExample> sorted = new ArrayList<>(data);
        sorted.sort(Comparator.comparingLong(StoredExample::seq));
        Random r = new Random(5);
        try (CompactPartition p = CompactPartition.open(file, layout, windows)) {
            for (int j = 0; j < 1000; j++) {
                int i = r.nextInt(200);
                assertArrayEquals(sorted.get(i).pixels(), p.storedBytes(i));
                assertTrue(windows.mappedBytes() <= cap, "mapped " + windows.mappedBytes() + " > cap " + cap);
            }
            assertTrue(windows.peakMappedBytes() <= cap);
            assertEquals(cap, windows.peakMappedBytes(), "the cap is used, not just respected");
        }
        assertEquals(0, windows.mappedBytes(), "closing unmaps the file's windows");
    }

    @Test
    void refusesATruncatedOrMismatchedCopyAndMisSizedExamples() throws Exception {
        PixelLayout layout = layout(PixelStorage.UINT8);
        Path file = dir.resolve("p2.bin");
        CompactPartition.write(file, layout, examples(layout, 10, 6).iterator());
        assertThrows(IllegalStateException.class, () -> CompactPartition.open(file, layout(PixelStorage.FLOAT16),
                new MappedWindows(1 << 20)));
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 1));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> CompactPartition.open(file, layout, new MappedWindows(1 << 20)));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        Path bad = dir.resolve("p3.bin");
        List<StoredExample> wrong = List.of(new StoredExample(1, 0, new byte[7]));
        IllegalStateException m = assertThrows(IllegalStateException.class,
                () -> CompactPartition.write(bad, layout, wrong.iterator()));
        assertTrue(m.getMessage().contains("example 1 has 7 stored bytes, expected 75"), m.getMessage());
        assertFalse(Files.exists(bad));
    }
}
