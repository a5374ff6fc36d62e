package io.sparkinception.trainer.models;

import java.io.Serializable;

/**
 * An auxiliary classifier: a softmax head on an intermediate endpoint whose loss is added, scaled, during training and
 * which the inference graph drops ({@link InferenceExport}).
 *
 * @param name       the head's output layer (e.g. {@code AuxLogits}); its inner vertices are named {@code name/...}
 * @param attachedTo the endpoint it reads (e.g. {@code Mixed_6e})
 * @param lossWeight the factor on its cross-entropy in the training loss (GoogLeNet: 0.3)
 */
public record AuxHead(String name, String attachedTo, double lossWeight) implements Serializable {
    public AuxHead {
        if (name == null || name.isBlank() || attachedTo == null || attachedTo.isBlank()) {
            throw new IllegalArgumentException("an auxiliary head needs a name and the endpoint it attaches to");
        }
        if (!(lossWeight >= 0 && Double.isFinite(lossWeight))) {
            throw new IllegalArgumentException("auxiliary loss weight must be a finite number >= 0, got " + lossWeight);
        }
    }
}
