package io.sparkinception.trainer.training.data;

import io.sparkinception.preprocessing.PixelStorage;
import io.sparkinception.preprocessing.spark.ShardSchema;
import org.apache.spark.sql.Row;

/**
 * The bytes of one stored CHW tensor as the compact copy holds them: the shards' {@link PixelStorage} (format 1
 * float32 shards' {@code array<float>} as little-endian bytes, as format 2 stores them). Decoding is
 * preprocessing's {@link io.sparkinception.preprocessing.PixelCodec} ({@link PixelLayout#decode}).
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

    /**
     * The stored bytes of a shard row's pixels: the {@code binary} column as is, a format 1 {@code array<float>}
     * column as little-endian float32 (what format 2 stores).
     */
    public byte[] storedBytes(Row row, int field) {
        Object stored = ShardSchema.storedPixels(row, field);
        return stored instanceof byte[] b ? b : PixelStorage.toFloat32((float[]) stored);
    }

    /** The storage this encoding holds. */
    public PixelStorage storage() {
        return switch (this) {
            case UINT8 -> PixelStorage.UINT8;
            case FLOAT16 -> PixelStorage.FLOAT16;
            case FLOAT32 -> PixelStorage.FLOAT32;
        };
    }
}
