package io.sparkinception.preprocessing;

import io.sparkinception.preprocessing.image.Normalization;
import java.io.Serializable;

/**
 * The one conversion between raw pixels and the stored {@code pixels} column, for every {@link PixelStorage}: the
 * shard writer {@linkplain #encode encodes}, every reader (training's data loading, {@code evaluate}, the Spark ML
 * model) {@linkplain #decode decodes}, and {@code predict}, which never writes a shard, takes the
 * {@linkplain #roundTrip round trip} so its inputs carry the same rounding as the stored ones.
 * <ul>
 *   <li>float32: the normalized tensor as {@code float[]} (an {@code array<float>} column); decoding is the identity.</li>
 *   <li>float16: the normalized tensor as little-endian half floats ({@code byte[]}).</li>
 *   <li>uint8: the raw values rounded to 0-255 ({@code byte[]}); decoding normalizes them.</li>
 * </ul>
 * Normalization subtracts the spec's mean and divides by its scale (the std when the spec scales by std, else 1). Pure.
 */
public final class PixelCodec implements Serializable {
    private static final long serialVersionUID = 1L;

    private final PixelStorage storage;
    private final int channels;
    private final float[] mean;
    private final float[] scale;

    public PixelCodec(PixelStorage storage, int channels, float[] mean, float[] scale) {
        if (channels <= 0) {
            throw new IllegalArgumentException("channels must be positive, got " + channels);
        }
        this.storage = storage;
        this.channels = channels;
        this.mean = mean.clone();
        this.scale = scale.clone();
    }

    /** The codec of a dataset's recorded spec. */
    public static PixelCodec of(DatasetMetadata.Spec spec) {
        return new PixelCodec(spec.pixelStorage(), spec.channels(), spec.meanFloats(), spec.scale());
    }

    public PixelStorage storage() {
        return storage;
    }

    /**
     * The column value for raw 0-255 CHW pixels: {@code float[]} for float32, {@code byte[]} for float16 and uint8.
     */
    public Object encode(float[] rawChw) {
        return switch (storage) {
            case FLOAT32 -> normalize(rawChw);
            case FLOAT16 -> PixelStorage.toHalf(normalize(rawChw));
            case UINT8 -> PixelStorage.toUint8(rawChw);
        };
    }

    /**
     * The normalized CHW tensor of a stored value: a {@code float[]} for float32, a {@code byte[]} otherwise (the
     * float32 array is returned as is, not copied).
     */
    public float[] decode(Object stored) {
        return switch (storage) {
            case FLOAT32 -> stored(stored, float[].class);
            case FLOAT16 -> PixelStorage.fromHalf(stored(stored, byte[].class));
            case UINT8 -> normalize(PixelStorage.fromUint8(stored(stored, byte[].class)));
        };
    }

    /** {@code decode(encode(rawChw))}: the tensor a shard reader returns for these raw pixels. */
    public float[] roundTrip(float[] rawChw) {
        return decode(encode(rawChw));
    }

    private float[] normalize(float[] rawChw) {
        return Normalization.normalizeChw(rawChw, channels, mean, scale);
    }

    private <T> T stored(Object value, Class<T> type) {
        if (!type.isInstance(value)) {
            throw new IllegalArgumentException(storage.id() + " pixels are stored as " + type.getSimpleName() + ", got "
                    + (value == null ? "null" : value.getClass().getSimpleName()));
        }
        return type.cast(value);
    }
}
