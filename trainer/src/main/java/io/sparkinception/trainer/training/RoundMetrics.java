package io.sparkinception.trainer.training;

/**
 * A kept training round ({@code type: round} in {@code metrics.jsonl}). Discarded (diverged) rounds have none.
 *
 * @param epoch                fractional epoch at the end of the round
 * @param loss                 mean training loss over the workers' minibatches
 * @param examplesSeen         examples of kept rounds so far, this one included
 * @param imagesPerSecond      throughput of the rounds run since the process started
 * @param fitSecondsPerWorker  mean time a worker spent fitting
 */
public record RoundMetrics(long round, double epoch, double loss, double learningRate, long examplesSeen,
                           double imagesPerSecond, double broadcastSeconds, double roundSeconds,
                           double fitSecondsPerWorker, double applySeconds) implements MetricsLine {
}
