package io.sparkinception.trainer.training;

import java.io.Serializable;

/**
 * What the driver broadcasts at the start of a round: the parameters and updater state every worker starts
 * from, as plain float arrays (never INDArrays: they do not serialize across JVMs), and the round's position.
 *
 * @param round     0-based round number, for diagnostics: no worker reads it (their randomness is seeded from the
 *                  run seed, the partition and {@code iteration}, so a retried task repeats its round)
 * @param iteration the DL4J iteration count at the start of the round (drives learning-rate schedules)
 * @param epoch     the epoch the round's first step belongs to (drives epoch schedules)
 */
public record RoundState(float[] params, float[] updaterState, long round, int iteration, int epoch)
        implements Serializable {
}
