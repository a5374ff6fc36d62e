package io.sparkinception.trainer.training;

/**
 * A run stopped because a round's loss or averaged parameters were not finite. Not an
 * {@link IllegalArgumentException}: the jobs map it to exit code 1 (a failure while running), and an ensemble
 * reports the member as failed.
 */
public final class TrainingDivergedException extends RuntimeException {
    private final long round;

    public TrainingDivergedException(long round, String message) {
        super(message);
        this.round = round;
    }

    /** The 1-based round that diverged. */
    public long round() {
        return round;
    }
}
