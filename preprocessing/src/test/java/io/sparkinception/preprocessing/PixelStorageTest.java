package io.sparkinception.preprocessing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
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

    /** The float32 encoder before the byte-array views: a little-endian FloatBuffer. */
    private static byte[] float32ByBuffer(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return b.array();
    }

    /** The float16 encoder before the byte-array views: putShort per value. */
    private static byte[] halfByBuffer(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putShort(PixelStorage.floatToHalf(v));
        }
        return b.array();
    }

    /**
     * The values an encoder can meet and its edge cases: every float from 0 to 256 in steps of 1/64 (whole levels and
     * resampled values), every half value and its neighbours one float ulp away, the rounding and overflow boundaries,
     * negatives, infinities, NaN, and a million random bit patterns.
     */
    private static float[] encoderInputs() {
        java.util.List<Float> v = new java.util.ArrayList<>();
        for (int i = 0; i <= 256 * 64; i++) {
            v.add(i / 64f);
        }
        for (int bits = 0; bits < 0x10000; bits++) {
            float f = PixelStorage.halfToFloat((short) bits);
            v.add(f);
            v.add(Math.nextUp(f));
            v.add(Math.nextDown(f));
        }
        for (float f : new float[] {0f, -0f, 65504f, 65519.99f, 65520f, 1e9f, -1e9f, -0.5f, -1f, 255.5f, 256f,
                Float.MIN_VALUE, Float.MIN_NORMAL, 0x1p-14f, 0x1p-24f, 0x1p-25f, Float.MAX_VALUE,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN}) {
            v.add(f);
        }
        Random rnd = new Random(13);
        for (int i = 0; i < 1_000_000; i++) {
            v.add(Float.intBitsToFloat(rnd.nextInt()));
            v.add(rnd.nextFloat() * 255f);
        }
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(i);
        }
        return out;
    }

    @Test
    void float32AndFloat16EncodersGiveTheBytesOfTheByteBufferEncoders() {
        float[] values = encoderInputs();
        assertArrayEquals(float32ByBuffer(values), PixelStorage.toFloat32(values));
        assertArrayEquals(halfByBuffer(values), PixelStorage.toHalf(values));
        float[] odd = {1.5f, 2.25f, 255f};
        assertArrayEquals(float32ByBuffer(odd), PixelStorage.toFloat32(odd));
        assertArrayEquals(halfByBuffer(odd), PixelStorage.toHalf(odd));
        assertEquals(0, PixelStorage.toHalf(new float[0]).length);
    }
}
