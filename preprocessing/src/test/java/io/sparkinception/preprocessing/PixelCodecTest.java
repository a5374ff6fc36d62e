package io.sparkinception.preprocessing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PixelCodecTest {
    private static final float[] MEAN = {100, 120, 140};
    private static final float[] SCALE = {2, 4, 1};
    /** Two pixels per channel, CHW. */
    private static final float[] RAW = {0, 255, 120.4f, 120.6f, 140, 300};

    private static PixelCodec codec(PixelStorage storage) {
        return new PixelCodec(storage, 3, MEAN, SCALE);
    }

    /** The format 1 codec: float32 and float16 stored normalized. */
    private static PixelCodec formatOne(PixelStorage storage) {
        return new PixelCodec(storage, 3, MEAN, SCALE, true);
    }

    @Test
    void float32StoresTheRawValuesAsLittleEndianFloatsAndDecodesTheNormalizedTensor() {
        byte[] stored = codec(PixelStorage.FLOAT32).encode(RAW);
        assertEquals(4 * RAW.length, stored.length);
        // 255 = 0x437f0000, little-endian, is the second value.
        assertArrayEquals(new byte[] {0, 0, 0x7f, 0x43}, java.util.Arrays.copyOfRange(stored, 4, 8));
        assertArrayEquals(RAW, PixelStorage.fromFloat32(stored));
        float[] expected = {-50, 77.5f, 0.4f / 4, 0.6f / 4, 0, 160};
        assertArrayEquals(expected, codec(PixelStorage.FLOAT32).decode(stored), 1e-5f);
    }

    @Test
    void formatOneShardsDecodeAsStored() {
        float[] normalized = {-50, 77.5f, 0.1f, 0.15f, 0, 160};
        // A format 1 float32 shard's array<float> column and its little-endian copy both decode to the stored values.
        assertArrayEquals(normalized, formatOne(PixelStorage.FLOAT32).decode(normalized));
        assertArrayEquals(normalized, formatOne(PixelStorage.FLOAT32).decode(PixelStorage.toFloat32(normalized)));
        byte[] half = PixelStorage.toHalf(normalized);
        assertArrayEquals(PixelStorage.fromHalf(half), formatOne(PixelStorage.FLOAT16).decode(half));
        // uint8 was raw in format 1 too.
        assertArrayEquals(codec(PixelStorage.UINT8).decode(new byte[] {0, 1, 2, 3, 4, 5}),
                formatOne(PixelStorage.UINT8).decode(new byte[] {0, 1, 2, 3, 4, 5}));
        // The round trip of a format 1 codec (predict with a model trained on format 1 shards) reproduces what its
        // shards held: float16 of the normalized tensor.
        float[] exact = codec(PixelStorage.FLOAT32).roundTrip(RAW);
        assertArrayEquals(PixelStorage.fromHalf(PixelStorage.toHalf(exact)), formatOne(PixelStorage.FLOAT16).roundTrip(RAW));
        assertArrayEquals(codec(PixelStorage.FLOAT32).roundTrip(RAW), formatOne(PixelStorage.FLOAT32).roundTrip(RAW), 1e-5f);
    }

    @Test
    void float16RoundsTheRawValuesAndUint8RoundsThemToWholeLevels() {
        float[] exact = codec(PixelStorage.FLOAT32).roundTrip(RAW);
        byte[] half = codec(PixelStorage.FLOAT16).encode(RAW);
        assertEquals(2 * RAW.length, half.length);
        assertArrayEquals(PixelStorage.fromHalf(PixelStorage.toHalf(RAW)), PixelStorage.fromHalf(half));
        // Half floats keep 11 significant bits: 0-255 values within 1/16.
        assertArrayEquals(exact, codec(PixelStorage.FLOAT16).decode(half), 0.0625f);

        byte[] bytes = codec(PixelStorage.UINT8).encode(RAW);
        assertArrayEquals(new byte[] {0, (byte) 255, 120, 121, (byte) 140, (byte) 255}, bytes);
        // Rounded raw values, then normalized: 120.6 -> 121 -> (121 - 120) / 4; 300 -> 255 -> 115.
        assertArrayEquals(new float[] {-50, 77.5f, 0, 0.25f, 0, 115}, codec(PixelStorage.UINT8).decode(bytes), 1e-6f);
    }

    @Test
    void decodeNamesTheExpectedColumnType() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> codec(PixelStorage.UINT8).decode(new float[6]));
        assertTrue(e.getMessage().contains("uint8 pixels are stored as byte[], got float[]"), e.getMessage());
    }
}
