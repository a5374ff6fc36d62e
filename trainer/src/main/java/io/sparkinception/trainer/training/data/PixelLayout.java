package io.sparkinception.trainer.training.data;

import io.sparkinception.preprocessing.DatasetMetadata;
import io.sparkinception.preprocessing.PixelCodec;
import io.sparkinception.preprocessing.PixelStorage;
import java.io.Serializable;
import java.util.Arrays;

/**
 * How one stored example decodes: its storage, shape and the per-channel normalization of the dataset.
 *
 * @param mean             per-channel mean (metadata.json), subtracted at batch time
 * @param scale            per-channel divisor (metadata.json)
 * @param normalizedOnDisk the stored float32/float16 values are already normalized (format 1 shards,
 *                         {@link DatasetMetadata.Spec#pixelsNormalized()})
 */
public record PixelLayout(PixelStorage storage, int channels, int size, float[] mean, float[] scale,
                          boolean normalizedOnDisk) implements Serializable {

    /** The layout of current-format shards: raw values, normalized at batch time. */
    public PixelLayout(PixelStorage storage, int channels, int size, float[] mean, float[] scale) {
        this(storage, channels, size, mean, scale, false);
    }

    /** The layout of a dataset's shards. */
    public static PixelLayout of(DatasetMetadata.Spec spec) {
        return new PixelLayout(spec.pixelStorage(), spec.channels(), spec.imageSize(), spec.meanFloats(),
                spec.scale(), spec.pixelsNormalized());
    }

    public PixelLayout {
        if (channels < 1 || size < 1) {
            throw new IllegalArgumentException("channels and size must be >= 1, got " + channels + ", " + size);
        }
        if (mean.length != channels || scale.length != channels) {
            throw new IllegalArgumentException("mean/scale need " + channels + " channels, got " + mean.length + "/"
                    + scale.length);
        }
    }

    /** Values of one example (C x H x W). */
    public int values() {
        return channels * size * size;
    }

    /** Stored bytes of one example. */
    public int bytesPerExample() {
        return values() * storage.bytesPerValue();
    }

    /**
     * The normalized CHW floats of one example stored at {@code offset} of {@code src}, decoded by the shards'
     * {@link PixelCodec}, so they equal what a shard reader returns bit for bit.
     */
    public float[] decode(byte[] src, int offset) {
        int n = bytesPerExample();
        byte[] stored = offset == 0 && src.length == n ? src : Arrays.copyOfRange(src, offset, offset + n);
        return new PixelCodec(storage, channels, mean, scale, normalizedOnDisk).decode(stored);
    }
}
