package io.sparkinception.trainer.training.data;

import io.sparkinception.preprocessing.PixelStorage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * The bytes of one stored CHW tensor as the shards hold them ({@link PixelStorage}) and their decoding to the
 * normalized floats the network reads. The decoding is bit for bit the shard reader's
 * ({@code ShardSchema.pixels}): uint8 is {@code (v - mean[c]) / scale[c]} in float, float16 is
 * {@link PixelStorage#halfToFloat}, float32 is the stored value.
 *
 * <p>A small decoder of the trainer's data path; to be merged with preprocessing's shared pixel codec.
 */
public enum PixelEncoding {
    UINT8(1), FLOAT16(2), FLOAT32(4);

    private final int bytesPerValue;

    PixelEncoding(int bytesPerValue) {
        this.bytesPerValue = bytesPerValue;
    }

    public static PixelEncoding of(PixelStorage storage) {
        return switch (storage) {
            case UINT8 -> UINT8;
            case FLOAT16 -> FLOAT16;
            case FLOAT32 -> FLOAT32;
        };
    }

    public int bytesPerValue() {
        return bytesPerValue;
    }

    /** The stored bytes of a shard row's pixels: {@code binary} as is, {@code array<float>} as little-endian float32. */
    public byte[] storedBytes(Row row, int field) {
        if (this != FLOAT32) {
            return (byte[]) row.get(field);
        }
        List<Object> values = row.getList(field);
        ByteBuffer b = ByteBuffer.allocate(values.size() * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (Object v : values) {
            b.putFloat((Float) v);
        }
        return b.array();
    }

    /**
     * The normalized CHW floats of {@code values} stored values starting at {@code offset} of {@code src}.
     *
     * @param mean  per-channel mean (subtracted from uint8 values; float storages hold normalized values)
     * @param scale per-channel divisor
     */
    public float[] decode(byte[] src, int offset, int values, int channels, float[] mean, float[] scale) {
        float[] out = new float[values];
        switch (this) {
            case UINT8 -> {
                int plane = values / channels;
                for (int c = 0; c < channels; c++) {
                    float m = mean[c];
                    float s = scale[c];
                    for (int i = c * plane, end = i + plane; i < end; i++) {
                        out[i] = ((float) (src[offset + i] & 0xff) - m) / s;
                    }
                }
            }
            case FLOAT16 -> {
                ByteBuffer b = ByteBuffer.wrap(src, offset, values * 2).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < values; i++) {
                    out[i] = PixelStorage.halfToFloat(b.getShort());
                }
            }
            case FLOAT32 -> {
                ByteBuffer b = ByteBuffer.wrap(src, offset, values * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < values; i++) {
                    out[i] = b.getFloat();
                }
            }
        }
        return out;
    }
}
