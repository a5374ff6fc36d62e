package io.sparkinception.trainer.models;

/**
 * Parameters of a graph, split the way published counts are.
 *
 * @param trainable           weights, biases, batch-norm gamma and beta: what torchvision's {@code parameters()}
 *                            counts and what the papers' counts mean
 * @param batchNormStatistics batch-norm running mean and variance, which DL4J stores in the parameter vector (so
 *                            {@code ComputationGraph.numParams()} is the total) but no gradient updates; Keras counts
 *                            them as "non-trainable", torchvision as buffers
 */
public record ParameterCount(long trainable, long batchNormStatistics) {

    /** What {@code ComputationGraph.numParams()} reports. */
    public long total() {
        return trainable + batchNormStatistics;
    }
}
