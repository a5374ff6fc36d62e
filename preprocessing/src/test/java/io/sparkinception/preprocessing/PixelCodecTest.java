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

    @Test
    void float32StoresTheNormalizedTensorExactly() {
        float[] expected = {-50, 77.5f, 0.4f / 4, 0.6f / 4, 0, 160};
        Object stored = codec(PixelStorage.FLOAT32).encode(RAW);
        assertArrayEquals(expected, (float[]) stored, 1e-5f);
        assertArrayEquals((float[]) stored, codec(PixelStorage.FLOAT32).decode(stored));
    }

    @Test
    void float16RoundsTheNormalizedTensorAndUint8RoundsTheRawValues() {
        float[] exact = codec(PixelStorage.FLOAT32).roundTrip(RAW);
        byte[] half = (byte[]) codec(PixelStorage.FLOAT16).encode(RAW);
        assertEquals(2 * RAW.length, half.length);
        assertArrayEquals(PixelStorage.fromHalf(PixelStorage.toHalf(exact)), codec(PixelStorage.FLOAT16).decode(half));

        byte[] bytes = (byte[]) codec(PixelStorage.UINT8).encode(RAW);
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
