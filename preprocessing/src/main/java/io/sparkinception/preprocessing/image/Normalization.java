package io.sparkinception.preprocessing.image;

/** Mean subtraction (and optional division by the standard deviation) of CHW tensors. */
public final class Normalization {
    private Normalization() {
    }

    /**
     * Returns (x - mean[c]) / scale[c] for every value of a CHW tensor.
     *
     * @param scale per-channel divisor; pass ones to subtract the mean only
     */
    public static float[] normalizeChw(float[] chw, int channels, float[] mean, float[] scale) {
        if (mean.length != channels || scale.length != channels) {
            throw new IllegalArgumentException("mean/scale need " + channels + " channels, got "
                    + mean.length + "/" + scale.length);
        }
        if (chw.length % channels != 0) {
            throw new IllegalArgumentException("tensor of " + chw.length + " values is not " + channels + " planes");
        }
        int plane = chw.length / channels;
        float[] out = new float[chw.length];
        for (int c = 0; c < channels; c++) {
            float m = mean[c];
            float s = scale[c];
            for (int i = c * plane, end = i + plane; i < end; i++) {
                out[i] = (chw[i] - m) / s;
            }
        }
        return out;
    }

    /** Inverse of {@link #normalizeChw}: x * scale[c] + mean[c]. */
    public static float[] denormalizeChw(float[] chw, int channels, float[] mean, float[] scale) {
        int plane = chw.length / channels;
        float[] out = new float[chw.length];
        for (int c = 0; c < channels; c++) {
            for (int i = c * plane, end = i + plane; i < end; i++) {
                out[i] = chw[i] * scale[c] + mean[c];
            }
        }
        return out;
    }
}
