package io.sparkinception.preprocessing.image;

import java.util.Arrays;

/**
 * An image as floats in HWC order (row-major, channels interleaved), values in [0, 255] for decoded images.
 * Immutable by convention: operations return new images and never write into their input.
 */
public final class FloatImage {
    private final int width;
    private final int height;
    private final int channels;
    private final float[] hwc;

    public FloatImage(int width, int height, int channels, float[] hwc) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if (channels <= 0) {
            throw new IllegalArgumentException("channels must be positive, got " + channels);
        }
        if (hwc.length != (long) width * height * channels) {
            throw new IllegalArgumentException("pixel array has " + hwc.length + " values, expected "
                    + width + "x" + height + "x" + channels + " = " + ((long) width * height * channels));
        }
        this.width = width;
        this.height = height;
        this.channels = channels;
        this.hwc = hwc;
    }

    /** A blank image of the given size. */
    public static FloatImage zeros(int width, int height, int channels) {
        return new FloatImage(width, height, channels, new float[width * height * channels]);
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public int channels() {
        return channels;
    }

    /** Value at column x, row y, channel c. */
    public float get(int x, int y, int c) {
        return hwc[(y * width + x) * channels + c];
    }

    /** The backing HWC array; callers must not modify it. */
    public float[] hwc() {
        return hwc;
    }

    /** A copy of the pixels in CHW order (planar), the layout DL4J and the Parquet shards use. */
    public float[] toChw() {
        float[] chw = new float[hwc.length];
        int plane = width * height;
        for (int c = 0; c < channels; c++) {
            for (int i = 0, o = c * plane; i < plane; i++) {
                chw[o + i] = hwc[i * channels + c];
            }
        }
        return chw;
    }

    /** Builds an image from CHW (planar) values. */
    public static FloatImage fromChw(int width, int height, int channels, float[] chw) {
        float[] hwc = new float[chw.length];
        int plane = width * height;
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < channels; c++) {
                hwc[i * channels + c] = chw[c * plane + i];
            }
        }
        return new FloatImage(width, height, channels, hwc);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FloatImage other && other.width == width && other.height == height
                && other.channels == channels && Arrays.equals(other.hwc, hwc);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * width + height) + channels) + Arrays.hashCode(hwc);
    }

    @Override
    public String toString() {
        return "FloatImage[" + width + "x" + height + "x" + channels + "]";
    }
}
