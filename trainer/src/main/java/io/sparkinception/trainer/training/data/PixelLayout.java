package io.sparkinception.trainer.training.data;

import io.sparkinception.preprocessing.PixelCodec;
import java.io.Serializable;
import java.util.Arrays;

/**
 * How one stored example decodes: its encoding, shape and the per-channel normalization of the dataset.
 *
 * @param mean  per-channel mean (metadata.json), subtracted from uint8 values at batch time
 * @param scale per-channel divisor (metadata.json)
 */
public record PixelLayout(PixelEncoding encoding, int channels, int size, float[] mean, float[] scale)
        implements Serializable {
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
        return values() * encoding.bytesPerValue();
    }

    /**
     * The normalized CHW floats of one example stored at {@code offset} of {@code src}, decoded by the shards'
     * {@link PixelCodec}, so they equal what a shard reader returns bit for bit.
     */
    public float[] decode(byte[] src, int offset) {
        int n = bytesPerExample();
        byte[] stored = offset == 0 && src.length == n ? src : Arrays.copyOfRange(src, offset, offset + n);
        return new PixelCodec(encoding.storage(), channels, mean, scale).decode(encoding.columnValue(stored));
    }
}
