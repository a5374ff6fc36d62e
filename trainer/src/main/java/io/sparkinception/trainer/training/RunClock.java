package io.sparkinception.trainer.training;

/** Wall time of a run: the seconds of the runs before a resume plus the seconds since this loop started. */
final class RunClock {
    private final double priorSeconds;
    private final long start = System.nanoTime();

    RunClock(double priorSeconds) {
        this.priorSeconds = priorSeconds;
    }

    /** Seconds since this process's loop started. */
    double loopSeconds() {
        return (System.nanoTime() - start) / 1e9;
    }

    /** Seconds of training in total, earlier (resumed) runs included. */
    double wallSeconds() {
        return priorSeconds + loopSeconds();
    }
}
