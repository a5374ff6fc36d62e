package io.sparkinception.trainer.training;

import java.util.function.LongSupplier;

/**
 * Wall time of a run: the seconds of the runs before a resume plus the seconds since this loop started. Reads an
 * injectable nanosecond source ({@link System#nanoTime} in a real run) so tests of the time budget are deterministic.
 */
final class RunClock {
    private final double priorSeconds;
    private final LongSupplier nanos;
    private final long start;

    RunClock(double priorSeconds) {
        this(priorSeconds, System::nanoTime);
    }

    RunClock(double priorSeconds, LongSupplier nanos) {
        this.priorSeconds = priorSeconds;
        this.nanos = nanos;
        this.start = nanos.getAsLong();
    }

    /** Seconds since this process's loop started. */
    double loopSeconds() {
        return (nanos.getAsLong() - start) / 1e9;
    }

    /** Seconds of training in total, earlier (resumed) runs included. */
    double wallSeconds() {
        return priorSeconds + loopSeconds();
    }
}
