package io.sparkinception.trainer.training.data;

import io.sparkinception.preprocessing.PixelStorage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * The bytes of one stored CHW tensor as the compact copy holds them: the shards' {@link PixelStorage}, with float32
 * as little-endian bytes. Decoding is preprocessing's {@link io.sparkinception.preprocessing.PixelCodec}
 * ({@link PixelLayout#decode}).
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

    /** The storage this encoding holds. */
    public PixelStorage storage() {
        return switch (this) {
            case UINT8 -> PixelStorage.UINT8;
            case FLOAT16 -> PixelStorage.FLOAT16;
            case FLOAT32 -> PixelStorage.FLOAT32;
        };
    }

    /**
     * The stored bytes as the shard column's value: {@code byte[]} for uint8 and float16, {@code float[]} for
     * float32 (held as little-endian bytes in the compact copy).
     */
    public Object columnValue(byte[] stored) {
        if (this != FLOAT32) {
            return stored;
        }
        float[] out = new float[stored.length / 4];
        ByteBuffer.wrap(stored).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }
}
