package io.sparkinception.trainer.predict;

import io.sparkinception.trainer.inference.Combiner;
import io.sparkinception.trainer.inference.NetworkCache;
import io.sparkinception.trainer.inference.PriorShift;
import io.sparkinception.trainer.kernels.Kernels;
import java.io.Serializable;
import java.util.List;

/**
 * What a predict partition needs to score (plain values): the members' {@link NetworkCache#key}s, in the order of
 * the broadcast models, the crops per forward pass, the kernels to restore the members with and the side of the
 * members' network input (0: the stored crop size of the spec; smaller: the center window of the stored crop) and
 * the members' weights in the ensemble's average (the manifest's, see {@code ensemble --weights}) and the class-prior
 * shift applied to each member's output before the average (null: none, {@code --class-prior train}).
 */
public record PredictSettings(List<String> memberKeys, int batchSize, Kernels kernels, int inputSize,
                              double[] memberWeights, PriorShift priorShift) implements Serializable {

    public PredictSettings {
        memberKeys = List.copyOf(memberKeys);
        memberWeights = memberWeights == null ? Combiner.uniform(memberKeys.size()) : memberWeights.clone();
        if (!memberKeys.isEmpty()) {
            Combiner.checkMemberWeights(memberWeights, memberKeys.size());
        }
        if (inputSize < 0) {
            throw new IllegalArgumentException("input size must be >= 0 (0: the stored size), got " + inputSize);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        if (kernels == null) {
            throw new IllegalArgumentException("kernels are required");
        }
    }

    /** Settings of members whose input is the stored crop size. */
    public PredictSettings(List<String> memberKeys, int batchSize, Kernels kernels) {
        this(memberKeys, batchSize, kernels, 0, null, null);
    }

    /** Settings without a class-prior shift. */
    public PredictSettings(List<String> memberKeys, int batchSize, Kernels kernels, int inputSize,
                           double[] memberWeights) {
        this(memberKeys, batchSize, kernels, inputSize, memberWeights, null);
    }

    /**
     * The settings of these serialized members (their keys computed here, on the driver), input size, weights and
     * class-prior shift (null: none).
     */
    public static PredictSettings of(List<byte[]> models, int batchSize, Kernels kernels, int inputSize,
                                     double[] memberWeights, PriorShift priorShift) {
        return new PredictSettings(models.stream().map(NetworkCache::key).toList(), batchSize, kernels, inputSize,
                memberWeights, priorShift);
    }

    /** {@link #of(List, int, Kernels, int, double[], PriorShift)} without a class-prior shift. */
    public static PredictSettings of(List<byte[]> models, int batchSize, Kernels kernels, int inputSize,
                                     double[] memberWeights) {
        return of(models, batchSize, kernels, inputSize, memberWeights, null);
    }

    /** The network input side for crops of {@code storedSize}. */
    int inputSize(int storedSize) {
        return inputSize == 0 ? storedSize : inputSize;
    }

    /** Crops prepared before a scoring pass: bounds the memory of a partition whatever its size. */
    int chunk() {
        return Math.max(4 * batchSize, 64);
    }
}
