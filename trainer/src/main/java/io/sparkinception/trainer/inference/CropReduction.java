package io.sparkinception.trainer.inference;

import java.util.Locale;

/** How the probabilities of one model's crops are combined. */
public enum CropReduction {
    /** The weighted mean of the crops' softmax probabilities (the paper's choice). */
    MEAN,
    /**
     * The class-wise maximum over the crops, renormalized to sum to 1 (renormalizing keeps the argmax and makes
     * log loss and calibration meaningful). The paper found it worse than averaging.
     */
    MAX;

    /** Parses {@code mean} or {@code max}, case-insensitively. */
    public static CropReduction of(String name) {
        String wanted = name == null ? "" : name.trim().toUpperCase(Locale.ROOT);
        for (CropReduction r : values()) {
            if (r.name().equals(wanted)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown crop reduction '" + name + "' (valid: mean, max)");
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
