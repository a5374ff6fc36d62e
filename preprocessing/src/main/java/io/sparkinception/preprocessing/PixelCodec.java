package io.sparkinception.preprocessing;

import io.sparkinception.preprocessing.image.Normalization;
import java.io.Serializable;

/**
 * The one conversion between raw pixels and the stored {@code pixels} column, for every {@link PixelStorage}: the
 * shard writer {@linkplain #encode encodes}, every reader (training's data loading, {@code evaluate}, the Spark ML
 * model) {@linkplain #decode decodes}, and {@code predict}, which never writes a shard, takes the
 * {@linkplain #roundTrip round trip} so its inputs carry the same rounding as the stored ones.
 *
 * <p>Shards of format 2 store the raw 0-255 values in a {@code binary} column (float32 and float16 little-endian,
 * uint8 rounded), and decoding normalizes them: subtract the spec's mean, divide by its scale (the std when the spec
 * scales by std, else 1). Shards of format 1 ({@code normalizedOnDisk}) stored float32 and float16 already normalized,
 * float32 as {@code array<float>}; decoding returns those values as stored. Pure.
 */
public final class PixelCodec implements Serializable {
    private static final long serialVersionUID = 2L;

    private final PixelStorage storage;
    private final int channels;
    private final float[] mean;
    private final float[] scale;
    private final boolean normalizedOnDisk;

    /** The codec of the current format: raw values on disk, normalized by {@link #decode}. */
    public PixelCodec(PixelStorage storage, int channels, float[] mean, float[] scale) {
        this(storage, channels, mean, scale, false);
    }

    /**
     * @param normalizedOnDisk the stored float32/float16 values are already normalized (format 1 shards); uint8 is
     *                         raw in every format
     */
    public PixelCodec(PixelStorage storage, int channels, float[] mean, float[] scale, boolean normalizedOnDisk) {
        if (channels <= 0) {
            throw new IllegalArgumentException("channels must be positive, got " + channels);
        }
        this.storage = storage;
        this.channels = channels;
        this.mean = mean.clone();
        this.scale = scale.clone();
        this.normalizedOnDisk = normalizedOnDisk && storage != PixelStorage.UINT8;
    }

    /** The codec of a dataset's recorded spec. */
    public static PixelCodec of(DatasetMetadata.Spec spec) {
        return new PixelCodec(spec.pixelStorage(), spec.channels(), spec.meanFloats(), spec.scale(), spec.pixelsNormalized());
    }

    /**
     * The codec of the shard writer, which needs no statistics: it encodes raw values as the current format stores
     * them (its {@link #decode} returns raw values: mean 0, scale 1).
     */
    public static PixelCodec rawValues(PixelStorage storage, int channels) {
        float[] zeros = new float[channels];
        float[] ones = new float[channels];
        java.util.Arrays.fill(ones, 1f);
        return new PixelCodec(storage, channels, zeros, ones, false);
    }

    public PixelStorage storage() {
        return storage;
    }

    /**
     * The {@code binary} column value for raw 0-255 CHW pixels: little-endian floats, half floats or bytes (normalized
     * first for a format 1 codec, so {@link #roundTrip} reproduces what its shards hold).
     */
    public byte[] encode(float[] rawChw) {
        float[] values = normalizedOnDisk ? normalize(rawChw) : rawChw;
        return switch (storage) {
            case FLOAT32 -> PixelStorage.toFloat32(values);
            case FLOAT16 -> PixelStorage.toHalf(values);
            case UINT8 -> PixelStorage.toUint8(values);
        };
    }

    /**
     * The normalized CHW tensor of a stored value: a {@code byte[]} (the binary column of every storage), or for
     * float32 a {@code float[]} (the {@code array<float>} column of format 1, returned as is when it is normalized
     * on disk).
     */
    public float[] decode(Object stored) {
        float[] values = storage == PixelStorage.FLOAT32 && stored instanceof float[] f ? f : switch (storage) {
            case FLOAT32 -> PixelStorage.fromFloat32(bytes(stored));
            case FLOAT16 -> PixelStorage.fromHalf(bytes(stored));
            case UINT8 -> PixelStorage.fromUint8(bytes(stored));
        };
        return normalizedOnDisk ? values : normalize(values);
    }

    /** {@code decode(encode(rawChw))}: the tensor a shard reader returns for these raw pixels. */
    public float[] roundTrip(float[] rawChw) {
        return decode(encode(rawChw));
    }

    private float[] normalize(float[] rawChw) {
        return Normalization.normalizeChw(rawChw, channels, mean, scale);
    }

    private byte[] bytes(Object value) {
        if (!(value instanceof byte[] b)) {
            throw new IllegalArgumentException(storage.id() + " pixels are stored as byte[]"
                    + (storage == PixelStorage.FLOAT32 ? " (or float[] in format 1 shards)" : "") + ", got "
                    + (value == null ? "null" : value.getClass().getSimpleName()));
        }
        return b;
    }
}
