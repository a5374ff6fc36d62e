package io.sparkinception.trainer.training;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One line of a run's {@code metrics.jsonl}; its {@code type} field says which record it is. Written and read only
 * through {@link RunRecords}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = RoundMetrics.class, name = "round"),
    @JsonSubTypes.Type(value = ValidationMetrics.class, name = "validation"),
    @JsonSubTypes.Type(value = DivergenceEvent.class, name = "divergence")
})
public sealed interface MetricsLine permits RoundMetrics, ValidationMetrics, DivergenceEvent {
    /** The 1-based round the line belongs to. */
    long round();
}
