package io.sparkinception.trainer.training;

import java.io.Serializable;

/**
 * Training-time sampling (GoogLeNet paper, section 6): a random crop covering {@code minArea}..{@code maxArea}
 * of the stored image with aspect ratio in [{@code minAspect}, {@code maxAspect}], resized to the network's input
 * size with a random interpolation (when train's {@code input-size} is smaller than the stored image and random
 * crops are off, a random window of the input size at native scale instead, as the paper's crops inside a larger
 * image); an optional horizontal mirror (off where mirroring changes the class, e.g.
 * traffic signs); photometric distortions of brightness, contrast and saturation (each a random factor in
 * [1 - x, 1 + x]). {@link #NONE} leaves examples untouched.
 */
public record Augmentation(boolean randomCrop, double minArea, double maxArea, double minAspect, double maxAspect,
                           boolean mirror, double brightness, double contrast, double saturation,
                           boolean randomInterpolation) implements Serializable {

    public static final Augmentation NONE = new Augmentation(false, 1, 1, 1, 1, false, 0, 0, 0, false);

    public Augmentation {
        if (!(minArea > 0 && minArea <= maxArea && maxArea <= 1)) {
            throw new IllegalArgumentException("--augment.min-area and --augment.max-area must satisfy 0 < min-area <= max-area <= 1, got " + minArea + ", " + maxArea);
        }
        if (!(minAspect > 0 && minAspect <= maxAspect)) {
            throw new IllegalArgumentException("--augment.min-aspect and --augment.max-aspect must satisfy 0 < min-aspect <= max-aspect, got " + minAspect + ", " + maxAspect);
        }
        for (double d : new double[] {brightness, contrast, saturation}) {
            if (!(d >= 0 && d < 1)) {
                throw new IllegalArgumentException("--augment.brightness, --augment.contrast and --augment.saturation must be in [0, 1), got " + d);
            }
        }
    }

    public boolean isNone() {
        return !randomCrop && !mirror && brightness == 0 && contrast == 0 && saturation == 0;
    }
}
