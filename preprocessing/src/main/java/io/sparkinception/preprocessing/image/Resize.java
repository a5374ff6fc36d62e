package io.sparkinception.preprocessing.image;

/**
 * Separable resampling of {@link FloatImage}s. Each axis is resampled with a list of (source index, weight)
 * taps per output index, weights summing to 1; indices outside the image are clamped to the border.
 */
public final class Resize {
    private Resize() {
    }

    public static FloatImage resize(FloatImage src, int outWidth, int outHeight, Interpolation interpolation) {
        if (outWidth <= 0 || outHeight <= 0) {
            throw new IllegalArgumentException("output size must be positive, got " + outWidth + "x" + outHeight);
        }
        if (outWidth == src.width() && outHeight == src.height()) {
            return src;
        }
        Taps tx = taps(src.width(), outWidth, interpolation);
        Taps ty = taps(src.height(), outHeight, interpolation);
        int c = src.channels();
        // Horizontal pass: src.height rows of outWidth pixels.
        float[] in = src.hwc();
        float[] mid = new float[src.height() * outWidth * c];
        for (int y = 0; y < src.height(); y++) {
            int rowIn = y * src.width() * c;
            int rowOut = y * outWidth * c;
            for (int x = 0; x < outWidth; x++) {
                int[] idx = tx.index[x];
                float[] w = tx.weight[x];
                for (int ch = 0; ch < c; ch++) {
                    double acc = 0;
                    for (int k = 0; k < idx.length; k++) {
                        acc += w[k] * in[rowIn + idx[k] * c + ch];
                    }
                    mid[rowOut + x * c + ch] = (float) acc;
                }
            }
        }
        // Vertical pass, a source row at a time (the same additions in the same order per value as tap by tap).
        float[] out = new float[outHeight * outWidth * c];
        int stride = outWidth * c;
        double[] acc = new double[stride];
        for (int y = 0; y < outHeight; y++) {
            int[] idx = ty.index[y];
            float[] w = ty.weight[y];
            java.util.Arrays.fill(acc, 0);
            for (int k = 0; k < idx.length; k++) {
                float wk = w[k];
                int row = idx[k] * stride;
                for (int i = 0; i < stride; i++) {
                    acc[i] += wk * mid[row + i];
                }
            }
            for (int i = 0, o = y * stride; i < stride; i++) {
                out[o + i] = (float) acc[i];
            }
        }
        return new FloatImage(outWidth, outHeight, c, out);
    }

    /**
     * {@code resize(CropGeometry.crop(src, region), outWidth, outHeight, interpolation).toChw()} in one pass, without
     * the crop, the HWC result or the transpose: the same products and additions in the same order per value, so the
     * same bits (ImageMathTest proves it). The preprocess crop path ({@code Cropper.cropChw}).
     *
     * @param region an inclusive region inside {@code src}
     * @return CHW values, {@code channels x outHeight x outWidth}
     */
    public static float[] resizeToChw(FloatImage src, Box region, int outWidth, int outHeight,
                                      Interpolation interpolation) {
        if (outWidth <= 0 || outHeight <= 0) {
            throw new IllegalArgumentException("output size must be positive, got " + outWidth + "x" + outHeight);
        }
        if (!region.inside(src.width(), src.height()) || region.inverted()) {
            throw new IllegalArgumentException("region " + region + " is not inside the "
                    + src.width() + "x" + src.height() + " image");
        }
        int w = region.width();
        int h = region.height();
        int c = src.channels();
        float[] in = src.hwc();
        int srcStride = src.width() * c;
        int origin = region.y1() * srcStride + region.x1() * c;
        if (w == outWidth && h == outHeight) {
            return copyToChw(in, origin, srcStride, w, h, c);
        }
        Taps tx = taps(w, outWidth, interpolation);
        Taps ty = taps(h, outHeight, interpolation);
        // Horizontal pass into planar rows: mid[ch][y][x] holds what resize's HWC mid holds at (y, x, ch).
        int midPlane = h * outWidth;
        float[] mid = new float[c * midPlane];
        if (tx.width() == 2) {
            // Bilinear: the loop below with its two taps unrolled (the same products, added to 0 in the same order).
            int[] i0 = new int[outWidth];
            int[] i1 = new int[outWidth];
            float[] w0 = new float[outWidth];
            float[] w1 = new float[outWidth];
            for (int x = 0; x < outWidth; x++) {
                i0[x] = tx.index[x][0] * c;
                i1[x] = tx.index[x][1] * c;
                w0[x] = tx.weight[x][0];
                w1[x] = tx.weight[x][1];
            }
            for (int y = 0; y < h; y++) {
                int rowIn = origin + y * srcStride;
                for (int ch = 0; ch < c; ch++) {
                    int o = ch * midPlane + y * outWidth;
                    int r = rowIn + ch;
                    for (int x = 0; x < outWidth; x++) {
                        double acc = 0;
                        acc += w0[x] * in[r + i0[x]];
                        acc += w1[x] * in[r + i1[x]];
                        mid[o + x] = (float) acc;
                    }
                }
            }
        } else {
            for (int y = 0; y < h; y++) {
                int rowIn = origin + y * srcStride;
                for (int x = 0; x < outWidth; x++) {
                    int[] idx = tx.index[x];
                    float[] wt = tx.weight[x];
                    for (int ch = 0; ch < c; ch++) {
                        double acc = 0;
                        for (int k = 0; k < idx.length; k++) {
                            acc += wt[k] * in[rowIn + idx[k] * c + ch];
                        }
                        mid[ch * midPlane + y * outWidth + x] = (float) acc;
                    }
                }
            }
        }
        // Vertical pass per channel plane: the additions of resize's vertical pass, tap by tap, for each value, one
        // output row at a time over contiguous source rows.
        int outPlane = outHeight * outWidth;
        float[] out = new float[c * outPlane];
        double[] acc = new double[outWidth];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < outHeight; y++) {
                int[] idx = ty.index[y];
                float[] wt = ty.weight[y];
                int o = ch * outPlane + y * outWidth;
                if (idx.length == 2) {
                    float wa = wt[0];
                    float wb = wt[1];
                    int ra = ch * midPlane + idx[0] * outWidth;
                    int rb = ch * midPlane + idx[1] * outWidth;
                    for (int x = 0; x < outWidth; x++) {
                        double v = 0;
                        v += wa * mid[ra + x];
                        v += wb * mid[rb + x];
                        out[o + x] = (float) v;
                    }
                    continue;
                }
                java.util.Arrays.fill(acc, 0);
                for (int k = 0; k < idx.length; k++) {
                    float wk = wt[k];
                    int row = ch * midPlane + idx[k] * outWidth;
                    for (int x = 0; x < outWidth; x++) {
                        acc[x] += wk * mid[row + x];
                    }
                }
                for (int x = 0; x < outWidth; x++) {
                    out[o + x] = (float) acc[x];
                }
            }
        }
        return out;
    }

    /** The region of an HWC array (first value at {@code origin}) as CHW: the crop at its own size. */
    private static float[] copyToChw(float[] in, int origin, int srcStride, int w, int h, int c) {
        int plane = w * h;
        float[] out = new float[c * plane];
        for (int y = 0; y < h; y++) {
            int rowIn = origin + y * srcStride;
            for (int x = 0; x < w; x++) {
                for (int ch = 0; ch < c; ch++) {
                    out[ch * plane + y * w + x] = in[rowIn + x * c + ch];
                }
            }
        }
        return out;
    }

    /** Resampling taps for one axis. */
    record Taps(int[][] index, float[][] weight) {
        /** The number of taps of every output index, or -1 when it varies (area). */
        int width() {
            int n = index.length == 0 ? -1 : index[0].length;
            for (int[] i : index) {
                if (i.length != n) {
                    return -1;
                }
            }
            return n;
        }
    }

    static Taps taps(int inSize, int outSize, Interpolation interpolation) {
        int[][] index = new int[outSize][];
        float[][] weight = new float[outSize][];
        double scale = (double) inSize / outSize;
        for (int o = 0; o < outSize; o++) {
            double centre = (o + 0.5) * scale - 0.5;
            switch (interpolation) {
                case NEAREST -> {
                    index[o] = new int[] {clamp((int) Math.floor((o + 0.5) * scale), inSize)};
                    weight[o] = new float[] {1f};
                }
                case BILINEAR -> {
                    int i0 = (int) Math.floor(centre);
                    double f = centre - i0;
                    index[o] = new int[] {clamp(i0, inSize), clamp(i0 + 1, inSize)};
                    weight[o] = new float[] {(float) (1 - f), (float) f};
                }
                case BICUBIC -> {
                    int i0 = (int) Math.floor(centre);
                    double f = centre - i0;
                    index[o] = new int[4];
                    weight[o] = new float[4];
                    double sum = 0;
                    for (int k = 0; k < 4; k++) {
                        index[o][k] = clamp(i0 - 1 + k, inSize);
                        double wk = cubic(f - (k - 1));
                        weight[o][k] = (float) wk;
                        sum += wk;
                    }
                    for (int k = 0; k < 4; k++) {
                        weight[o][k] = (float) (weight[o][k] / sum);
                    }
                }
                case AREA -> {
                    double lo = o * scale;
                    double hi = (o + 1) * scale;
                    int first = (int) Math.floor(lo);
                    int last = Math.min(inSize - 1, (int) Math.ceil(hi) - 1);
                    int n = last - first + 1;
                    index[o] = new int[n];
                    weight[o] = new float[n];
                    for (int k = 0; k < n; k++) {
                        int i = first + k;
                        double cover = Math.min(hi, i + 1) - Math.max(lo, i);
                        index[o][k] = i;
                        weight[o][k] = (float) (cover / scale);
                    }
                }
                default -> throw new IllegalStateException("unhandled " + interpolation);
            }
        }
        return new Taps(index, weight);
    }

    /** Keys' cubic convolution kernel with a = -0.5. */
    static double cubic(double x) {
        double a = -0.5;
        double t = Math.abs(x);
        if (t <= 1) {
            return (a + 2) * t * t * t - (a + 3) * t * t + 1;
        }
        if (t < 2) {
            return a * t * t * t - 5 * a * t * t + 8 * a * t - 4 * a;
        }
        return 0;
    }

    private static int clamp(int i, int size) {
        return Math.max(0, Math.min(size - 1, i));
    }
}
