package io.sparkinception.preprocessing.image;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Per-channel sums for a mean and standard deviation, in double precision. Pure {@code add}/{@code merge}
 * so it aggregates in Spark in any tree shape; merging in a fixed order gives the same bits every time.
 */
public record ChannelStats(long pixels, double[] sum, double[] sumSquares) implements Serializable {

    public ChannelStats {
        if (sum.length != sumSquares.length) {
            throw new IllegalArgumentException("sum and sumSquares differ in length");
        }
    }

    public static ChannelStats empty(int channels) {
        return new ChannelStats(0, new double[channels], new double[channels]);
    }

    public int channels() {
        return sum.length;
    }

    /** Adds every pixel of an HWC image. */
    public ChannelStats add(FloatImage image) {
        if (image.channels() != channels()) {
            throw new IllegalArgumentException("image has " + image.channels() + " channels, stats have " + channels());
        }
        double[] s = sum.clone();
        double[] q = sumSquares.clone();
        float[] v = image.hwc();
        int c = channels();
        for (int i = 0; i < v.length; i++) {
            double x = v[i];
            s[i % c] += x;
            q[i % c] += x * x;
        }
        return new ChannelStats(pixels + (long) image.width() * image.height(), s, q);
    }

    /**
     * Adds every pixel of a CHW (planar) tensor. Each channel's values are summed in the same (row-major) order as
     * {@link #add} sums them from the HWC image, so both give the same bits.
     */
    public ChannelStats addChw(float[] chw) {
        int c = channels();
        if (chw.length % c != 0) {
            throw new IllegalArgumentException("tensor of " + chw.length + " values is not " + c + " planes");
        }
        double[] s = sum.clone();
        double[] q = sumSquares.clone();
        int plane = chw.length / c;
        for (int ch = 0; ch < c; ch++) {
            // Local accumulators: the sums stay in registers (the same additions in the same order as add).
            double sc = s[ch];
            double qc = q[ch];
            for (int i = ch * plane, end = i + plane; i < end; i++) {
                double x = chw[i];
                sc += x;
                qc += x * x;
            }
            s[ch] = sc;
            q[ch] = qc;
        }
        return new ChannelStats(pixels + plane, s, q);
    }

    public ChannelStats merge(ChannelStats other) {
        if (other.channels() != channels()) {
            throw new IllegalArgumentException("cannot merge stats of " + other.channels() + " and " + channels() + " channels");
        }
        double[] s = sum.clone();
        double[] q = sumSquares.clone();
        for (int c = 0; c < s.length; c++) {
            s[c] += other.sum[c];
            q[c] += other.sumSquares[c];
        }
        return new ChannelStats(pixels + other.pixels, s, q);
    }

    public double[] mean() {
        requireData();
        double[] m = new double[channels()];
        for (int c = 0; c < m.length; c++) {
            m[c] = sum[c] / pixels;
        }
        return m;
    }

    /** Population standard deviation per channel. */
    public double[] std() {
        double[] m = mean();
        double[] sd = new double[m.length];
        for (int c = 0; c < m.length; c++) {
            sd[c] = Math.sqrt(Math.max(0, sumSquares[c] / pixels - m[c] * m[c]));
        }
        return sd;
    }

    private void requireData() {
        if (pixels == 0) {
            throw new IllegalStateException("no pixels: the training split is empty, so there is no mean");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelStats s && s.pixels == pixels && Arrays.equals(s.sum, sum)
                && Arrays.equals(s.sumSquares, sumSquares);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(pixels) * 31 + Arrays.hashCode(sum);
    }
}
