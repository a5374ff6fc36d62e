package io.sparkinception.trainer.predict;

import io.sparkinception.trainer.inference.NetworkCache;
import io.sparkinception.trainer.kernels.Kernels;
import java.io.Serializable;
import java.util.List;

/**
 * What a predict partition needs to score (plain values): the members' {@link NetworkCache#key}s, in the order of
 * the broadcast models, the crops per forward pass and the kernels to restore the members with.
 */
public record PredictSettings(List<String> memberKeys, int batchSize, Kernels kernels) implements Serializable {

    public PredictSettings {
        memberKeys = List.copyOf(memberKeys);
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        if (kernels == null) {
            throw new IllegalArgumentException("kernels are required");
        }
    }

    /** The settings of these serialized members (their keys computed here, on the driver). */
    public static PredictSettings of(List<byte[]> models, int batchSize, Kernels kernels) {
        return new PredictSettings(models.stream().map(NetworkCache::key).toList(), batchSize, kernels);
    }

    /** Crops prepared before a scoring pass: bounds the memory of a partition whatever its size. */
    int chunk() {
        return Math.max(4 * batchSize, 64);
    }
}
