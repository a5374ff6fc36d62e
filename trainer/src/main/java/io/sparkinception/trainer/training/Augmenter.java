package io.sparkinception.trainer.training;

import io.sparkinception.preprocessing.image.Box;
import io.sparkinception.preprocessing.image.CropGeometry;
import io.sparkinception.preprocessing.image.FloatImage;
import io.sparkinception.preprocessing.image.Interpolation;
import io.sparkinception.preprocessing.image.Resize;
import java.util.SplittableRandom;

/** Applies an {@link Augmentation} to one normalized CHW example; pure given its random generator. */
public final class Augmenter {
    private static final Interpolation[] RANDOM_INTERPOLATIONS = {
        Interpolation.BILINEAR, Interpolation.AREA, Interpolation.NEAREST, Interpolation.BICUBIC,
    };

    private Augmenter() {
    }

    /**
     * @param chw   normalized CHW pixels ({@code (x - mean) / scale})
     * @param mean  per-channel mean that was subtracted
     * @param scale per-channel divisor that was applied
     */
    public static float[] apply(float[] chw, int channels, int size, float[] mean, float[] scale, Augmentation a,
                                SplittableRandom rnd) {
        return apply(chw, channels, size, size, mean, scale, a, rnd);
    }

    /**
     * The training input of a stored example of side {@code size} for a network input of side {@code inputSize}
     * ({@code <= size}): the random crop (area and aspect relative to the stored image) resized to the input size,
     * or, without random crops and a smaller input, a random window of the input size at native scale; then the
     * mirror and the photometric distortions. With {@code inputSize == size} exactly {@link #apply(float[], int, int,
     * float[], float[], Augmentation, SplittableRandom)} of old, draw for draw.
     *
     * @return {@code channels x inputSize x inputSize} CHW pixels ({@code chw} itself when nothing changes)
     */
    public static float[] apply(float[] chw, int channels, int size, int inputSize, float[] mean, float[] scale,
                                Augmentation a, SplittableRandom rnd) {
        if (inputSize < 1 || inputSize > size) {
            throw new IllegalArgumentException("input size must be in 1.." + size + ", got " + inputSize);
        }
        if (a.isNone() && inputSize == size) {
            return chw;
        }
        FloatImage img = FloatImage.fromChw(size, size, channels, chw);
        if (a.randomCrop()) {
            Box region = randomCrop(size, size, a, rnd);
            Interpolation interp = a.randomInterpolation() ? RANDOM_INTERPOLATIONS[rnd.nextInt(RANDOM_INTERPOLATIONS.length)]
                    : Interpolation.BILINEAR;
            img = Resize.resize(CropGeometry.crop(img, region), inputSize, inputSize, interp);
        } else if (inputSize < size) {
            img = CropGeometry.crop(img, randomWindow(size, inputSize, rnd));
        }
        if (a.mirror() && rnd.nextBoolean()) {
            img = CropGeometry.mirror(img);
        }
        float[] out = img.toChw();
        if (a.brightness() > 0 || a.contrast() > 0 || a.saturation() > 0) {
            photometric(out, channels, mean, scale, a, rnd);
        }
        return out;
    }

    /** A region covering a random fraction of the area with a random aspect ratio (Inception-style sampling). */
    public static Box randomCrop(int width, int height, Augmentation a, SplittableRandom rnd) {
        double area = (double) width * height;
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * (a.minArea() + rnd.nextDouble() * (a.maxArea() - a.minArea()));
            double logRatio = Math.log(a.minAspect()) + rnd.nextDouble() * (Math.log(a.maxAspect()) - Math.log(a.minAspect()));
            double ratio = Math.exp(logRatio);
            int w = (int) Math.round(Math.sqrt(target * ratio));
            int h = (int) Math.round(Math.sqrt(target / ratio));
            if (w >= 1 && h >= 1 && w <= width && h <= height) {
                int x = rnd.nextInt(width - w + 1);
                int y = rnd.nextInt(height - h + 1);
                return new Box(x, y, x + w - 1, y + h - 1);
            }
        }
        return new Box(0, 0, width - 1, height - 1);
    }

    /** A {@code window x window} region at a uniformly random position of a {@code size x size} image. */
    public static Box randomWindow(int size, int window, SplittableRandom rnd) {
        int x = rnd.nextInt(size - window + 1);
        int y = rnd.nextInt(size - window + 1);
        return new Box(x, y, x + window - 1, y + window - 1);
    }

    /** Brightness, contrast and saturation in 0-255 space, in a random order as in the paper's distortions. */
    static void photometric(float[] chw, int channels, float[] mean, float[] scale, Augmentation a, SplittableRandom rnd) {
        int plane = chw.length / channels;
        for (int c = 0; c < channels; c++) {
            for (int i = c * plane; i < (c + 1) * plane; i++) {
                chw[i] = chw[i] * scale[c] + mean[c];
            }
        }
        double b = 1 + (rnd.nextDouble() * 2 - 1) * a.brightness();
        double k = 1 + (rnd.nextDouble() * 2 - 1) * a.contrast();
        double s = 1 + (rnd.nextDouble() * 2 - 1) * a.saturation();
        double avg = 0;
        for (float v : chw) {
            avg += v;
        }
        avg /= chw.length;
        for (int i = 0; i < plane; i++) {
            double gray = 0;
            for (int c = 0; c < channels; c++) {
                gray += chw[c * plane + i];
            }
            gray /= channels;
            for (int c = 0; c < channels; c++) {
                double v = chw[c * plane + i] * b;
                v = gray * b + (v - gray * b) * s;
                v = avg * b + (v - avg * b) * k;
                chw[c * plane + i] = (float) Math.max(0, Math.min(255, v));
            }
        }
        for (int c = 0; c < channels; c++) {
            for (int i = c * plane; i < (c + 1) * plane; i++) {
                chw[i] = (chw[i] - mean[c]) / scale[c];
            }
        }
    }
}
