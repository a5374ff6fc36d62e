package io.sparkinception.preprocessing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PixelStorageTest {

    @Test
    void everyFiniteHalfFloatRoundTripsExactly() {
        for (int bits = 0; bits < 0x10000; bits++) {
            short h = (short) bits;
            int exp = (bits >>> 10) & 0x1f;
            if (exp == 31 && (bits & 0x3ff) != 0) {
                continue; // NaN payloads
            }
            float f = PixelStorage.halfToFloat(h);
            assertEquals(h, PixelStorage.floatToHalf(f), "half bits " + Integer.toHexString(bits) + " = " + f);
        }
    }

    @Test
    void halfFloatsKnownValues() {
        assertEquals(1.0f, PixelStorage.halfToFloat((short) 0x3c00));
        assertEquals(-2.0f, PixelStorage.halfToFloat((short) 0xc000));
        assertEquals(65504f, PixelStorage.halfToFloat((short) 0x7bff));
        assertEquals(Float.POSITIVE_INFINITY, PixelStorage.halfToFloat(PixelStorage.floatToHalf(1e6f)));
        // Mean-subtracted 0-255 data keeps ~3 significant digits.
        float[] v = {-127.3f, 0.25f, 88.8f, 255f};
        float[] back = PixelStorage.fromHalf(PixelStorage.toHalf(v));
        for (int i = 0; i < v.length; i++) {
            assertEquals(v[i], back[i], Math.abs(v[i]) / 1024 + 1e-3);
        }
    }

    @Test
    void uint8RoundsAndClamps() {
        assertArrayEquals(new float[] {0, 0, 128, 255, 255}, PixelStorage.fromUint8(PixelStorage.toUint8(new float[] {-3, 0.4f, 127.6f, 255, 300})));
    }

    @Test
    void unknownStorageIsRejectedWithTheList() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PixelStorage.of("int4"));
        assertEquals("unknown storage 'int4' (known: float32, float16, uint8)", e.getMessage());
    }
}
