package io.sparkinception.trainer.inference;

/**
 * One test-time crop: its geometry and its pixels, CHW, {@code channels x size x size} at the network's input size,
 * with the stored image's normalization untouched (resizing is linear, so a mean-subtracted image stays so).
 * The array is not copied; callers must not modify it.
 */
public record Crop(CropWindow window, float[] chw) {

    /** How many of the policy's nominal crops this crop stands for. */
    public int weight() {
        return window.weight();
    }
}
