package io.sparkinception.trainer.training;

import io.sparkinception.trainer.kernels.Kernels;
import java.io.Serializable;

/**
 * Everything an executor-side worker needs besides the round's state, as plain values (captured by the
 * serialized {@link PartitionTrainer}; no Spark or DL4J objects).
 *
 * @param graphJson          the ComputationGraphConfiguration JSON the worker builds its network from (once per JVM)
 * @param batchSize          examples per minibatch per worker (b)
 * @param averagingFrequency minibatches per round (k)
 * @param seed               the run seed
 * @param numClasses         width of the one-hot labels
 * @param imageSize          side of the stored crops
 * @param inputSize          side of the network's input, at most {@code imageSize} (train's {@code input-size}):
 *                           augmentation crops inside the stored image when it is smaller
 * @param channels           input channels
 * @param mean               per-channel mean the shards subtracted (for photometric distortions)
 * @param scale              per-channel divisor the shards applied
 * @param prefetch           minibatches assembled ahead on a helper thread while the current one is fitted
 * @param kernels            the CPU kernels the worker's network runs on
 */
public record WorkerSettings(String graphJson, int batchSize, int averagingFrequency, long seed, int numClasses,
                             int imageSize, int inputSize, int channels, float[] mean, float[] scale,
                             Augmentation augmentation, int prefetch, Kernels kernels)
        implements Serializable {
    public WorkerSettings {
        if (inputSize < 1 || inputSize > imageSize) {
            throw new IllegalArgumentException("input-size must be in 1.." + imageSize + " (the stored size), got "
                    + inputSize);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch-size-per-worker must be >= 1, got " + batchSize);
        }
        if (prefetch < 0) {
            throw new IllegalArgumentException("prefetch must be >= 0, got " + prefetch);
        }
        if (averagingFrequency < 1) {
            throw new IllegalArgumentException("averaging-frequency must be >= 1, got " + averagingFrequency);
        }
    }

    /** Settings of a network whose input is the stored size ({@code inputSize = imageSize}). */
    public WorkerSettings(String graphJson, int batchSize, int averagingFrequency, long seed, int numClasses,
                          int imageSize, int channels, float[] mean, float[] scale, Augmentation augmentation,
                          int prefetch, Kernels kernels) {
        this(graphJson, batchSize, averagingFrequency, seed, numClasses, imageSize, imageSize, channels, mean, scale,
                augmentation, prefetch, kernels);
    }

    /** The same settings for another graph (the learning-rate schedule changed: halved, or laid out by a time budget). */
    public WorkerSettings withGraphJson(String json) {
        return new WorkerSettings(json, batchSize, averagingFrequency, seed, numClasses, imageSize, inputSize, channels,
                mean, scale, augmentation, prefetch, kernels);
    }
}
