package io.sparkinception.preprocessing.annotations;

import java.io.Serializable;

/**
 * An input record that was not written, and why.
 *
 * @param id       the record's id when it has one, else its location
 * @param location where it came from: {@code file:line} for CSV, {@code file#object} for VOC
 * @param reason   the reason code
 * @param detail   a human-readable explanation
 */
public record Skipped(String id, String location, SkipReason reason, String detail) implements Serializable {
    /** Every skip explains itself: a missing detail becomes the reason's name, never an empty field. */
    public Skipped {
        if (detail == null || detail.isBlank()) {
            detail = (reason == null ? "skipped" : reason.id()) + " (no detail given)";
        }
    }
}
