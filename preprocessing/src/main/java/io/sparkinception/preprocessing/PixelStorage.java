package io.sparkinception.preprocessing;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;

/**
 * How the {@code pixels} column stores a CHW tensor: always a {@code binary} column of the raw 0-255 values
 * (format 2; readers subtract the mean and divide by the scale from metadata.json, see {@link PixelCodec}).
 * <ul>
 *   <li>{@code float32}: little-endian IEEE floats: exact, largest.</li>
 *   <li>{@code float16}: little-endian IEEE half floats: half the size, about 3 significant digits (errors up to
 *       0.0625 on 0-255 data).</li>
 *   <li>{@code uint8}: the values rounded to whole levels, one byte each: a quarter of the size.</li>
 * </ul>
 * Format 1 shards stored float32 as {@code array<float>} and float32/float16 already normalized; readers still
 * read them ({@link DatasetMetadata.Spec#pixelsNormalized()}).
 */
public enum PixelStorage {
    FLOAT32, FLOAT16, UINT8;

    /** Little-endian views of byte arrays: one bounds check and one store per value, no ByteBuffer. */
    private static final VarHandle FLOAT_LE = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle SHORT_LE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    public static PixelStorage of(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown storage '" + name + "' (known: float32, float16, uint8)");
        }
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Bytes of one stored value. */
    public int bytesPerValue() {
        return switch (this) {
            case FLOAT32 -> Float.BYTES;
            case FLOAT16 -> 2;
            case UINT8 -> 1;
        };
    }

    /** The values as little-endian IEEE floats. */
    public static byte[] toFloat32(float[] values) {
        byte[] out = new byte[values.length * Float.BYTES];
        for (int i = 0; i < values.length; i++) {
            // The raw bits, as FloatBuffer.put writes them (NaN payloads kept).
            FLOAT_LE.set(out, i * Float.BYTES, values[i]);
        }
        return out;
    }

    /** Little-endian IEEE floats as values. */
    public static float[] fromFloat32(byte[] bytes) {
        if (bytes.length % Float.BYTES != 0) {
            throw new IllegalArgumentException("float32 pixels need a multiple of 4 bytes, got " + bytes.length);
        }
        float[] out = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    /** The values as little-endian IEEE half floats ({@link #floatToHalf}). */
    public static byte[] toHalf(float[] values) {
        byte[] out = new byte[values.length * 2];
        for (int i = 0; i < values.length; i++) {
            SHORT_LE.set(out, i * 2, floatToHalf(values[i]));
        }
        return out;
    }

    public static float[] fromHalf(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[bytes.length / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = halfToFloat(b.getShort());
        }
        return out;
    }

    public static byte[] toUint8(float[] values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) Math.max(0, Math.min(255, Math.round(values[i])));
        }
        return out;
    }

    public static float[] fromUint8(byte[] bytes) {
        float[] out = new float[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[i] & 0xff;
        }
        return out;
    }

    /** IEEE 754 binary16 encoding, rounding to nearest (ties away from zero); overflow becomes infinity. */
    public static short floatToHalf(float value) {
        int fbits = Float.floatToIntBits(value);
        int sign = fbits >>> 16 & 0x8000;
        int val = (fbits & 0x7fffffff) + 0x1000;
        if (val >= 0x47800000) {
            if ((fbits & 0x7fffffff) >= 0x47800000) {
                if (val < 0x7f800000) {
                    return (short) (sign | 0x7c00);
                }
                return (short) (sign | 0x7c00 | (fbits & 0x007fffff) >>> 13);
            }
            return (short) (sign | 0x7bff);
        }
        if (val >= 0x38800000) {
            return (short) (sign | val - 0x38000000 >>> 13);
        }
        if (val < 0x33000000) {
            return (short) sign;
        }
        val = (fbits & 0x7fffffff) >>> 23;
        return (short) (sign | ((fbits & 0x7fffff | 0x800000) + (0x800000 >>> val - 102) >>> 126 - val));
    }

    /** Exact IEEE 754 binary16 decoding (Float.float16ToFloat arrived only in Java 20). */
    public static float halfToFloat(short half) {
        int bits = half & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        if (exp == 31) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }
}
