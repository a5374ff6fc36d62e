package io.sparkinception.trainer.inference;

import java.io.Serializable;
import java.util.List;

/**
 * What {@link BatchScorer} needs (plain values): the stored examples' shape ({@code channels x size x size}), the
 * network's input side ({@code inputSize}, at most {@code size}: smaller when the model was trained with
 * {@code input-size} inside larger stored crops, and the crop policies then use the stored context), how many crops
 * go through the network at once, which graph output holds the class probabilities (0 in an inference graph, the
 * main classifier's index in a training graph with auxiliary heads), how a member's crops are combined, and whether
 * the mirrored crops of the 10- and 144-crop policies are scored.
 */
public record ScorerSettings(int channels, int size, int inputSize, int batchSize, int output, CropReduction reduction,
                             boolean mirrors) implements Serializable {

    public ScorerSettings {
        require(channels > 0, "channels must be positive, got " + channels);
        require(size > 0, "image size must be positive, got " + size);
        require(inputSize > 0 && inputSize <= size, "input size must be in 1.." + size + " (the stored size), got "
                + inputSize);
        require(batchSize > 0, "batch size must be positive, got " + batchSize);
        require(output >= 0, "output index must be >= 0, got " + output);
        if (reduction == null) {
            throw new IllegalArgumentException("a crop reduction is required");
        }
    }

    /** Settings for a network whose input is the stored size. */
    public ScorerSettings(int channels, int size, int batchSize, int output, CropReduction reduction, boolean mirrors) {
        this(channels, size, size, batchSize, output, reduction, mirrors);
    }

    /** One crop per example (the stored image), the inference graph's output, all crops: predict and the ML model. */
    public static ScorerSettings storedCrop(int channels, int size, int batchSize) {
        return storedCrop(channels, size, size, batchSize);
    }

    /** {@link #storedCrop(int, int, int)} for a network input of {@code inputSize} (the center window when smaller). */
    public static ScorerSettings storedCrop(int channels, int size, int inputSize, int batchSize) {
        return new ScorerSettings(channels, size, inputSize, batchSize, 0, CropReduction.MEAN, true);
    }

    /** The crops of one stored image under a policy: all of them, or without the mirrored ones. */
    public List<Crop> crops(CropPolicy policy, float[] chw) {
        List<Crop> crops = policy.cropsOfStored(chw, channels, size, inputSize);
        return mirrors ? crops : crops.stream().filter(c -> !c.window().mirrored()).toList();
    }

    /** Forward passes per image under a policy with these settings. */
    public int forwardPasses(CropPolicy policy) {
        int n = policy.forwardPasses(size, size, size, inputSize);
        return mirrors || policy == CropPolicy.CENTER ? n : n / 2;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
