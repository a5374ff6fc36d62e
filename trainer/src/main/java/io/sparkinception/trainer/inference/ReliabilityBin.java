package io.sparkinception.trainer.inference;

import java.io.Serializable;

/**
 * One bin of the reliability curve: the examples whose top-1 confidence lies in {@code (lower, upper]}
 * (the first bin also holds confidence 0).
 *
 * @param meanConfidence mean top-1 probability of the bin's examples; null when the bin is empty
 * @param accuracy       fraction of the bin's examples predicted correctly; null when the bin is empty
 */
public record ReliabilityBin(int index, double lower, double upper, long count, Double meanConfidence,
                             Double accuracy) implements Serializable {
}
