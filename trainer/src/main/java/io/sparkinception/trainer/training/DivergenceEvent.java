package io.sparkinception.trainer.training;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A round whose result had non-finite values ({@code type: divergence} in {@code metrics.jsonl}).
 *
 * @param action            {@code skip} (round discarded, learning rate halved) or {@code stop}
 * @param learningRateScale the factor on the configured learning rate after a skip; absent for a stop
 * @param consecutive       faulty rounds in a row, this one included
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DivergenceEvent(long round, double loss, int nonFiniteParams, int nonFiniteUpdaterValues, String policy,
                              String action, Double learningRateScale, int consecutive) implements MetricsLine {
}
