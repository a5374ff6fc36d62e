package io.sparkinception.trainer.training;

import java.io.Serializable;

/**
 * What one worker returns after its k minibatches: its parameters and updater state, and statistics.
 *
 * @param lossSum  sum of the minibatch losses (divide by {@code batches} for the mean)
 * @param examples examples fitted
 * @param fitNanos time spent in {@code fit}, for the round-overhead breakdown
 * @param setupNanos time spent restoring the broadcast state into the cached network
 */
public record WorkerResult(int partition, float[] params, float[] updaterState, double lossSum, int batches,
                           long examples, long fitNanos, long setupNanos) implements Serializable {
}
