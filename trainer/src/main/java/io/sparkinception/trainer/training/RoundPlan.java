package io.sparkinception.trainer.training;

/**
 * How many rounds a run has and where each falls in the epochs. A round is {@code averagingFrequency} (k) steps
 * of every worker; an epoch is {@code stepsPerEpoch} steps (the largest partition divided by the batch size).
 * Rounds are 0-based here and 1-based in logs and files.
 */
public record RoundPlan(long totalRounds, long stepsPerEpoch, int averagingFrequency, int epochs) {

    public RoundPlan {
        if (stepsPerEpoch < 1 || averagingFrequency < 1 || totalRounds < 0) {
            throw new IllegalArgumentException("bad round plan: " + totalRounds + " rounds, " + stepsPerEpoch
                    + " steps/epoch, k " + averagingFrequency);
        }
    }

    /**
     * @param largestPartition examples in the largest partition
     * @param maxRounds        the {@code max-rounds} cap, or null for none
     */
    public static RoundPlan of(int largestPartition, int batchSize, int averagingFrequency, int epochs, Long maxRounds) {
        long steps = (largestPartition + batchSize - 1) / batchSize;
        long rounds = (epochs * steps + averagingFrequency - 1) / averagingFrequency;
        return new RoundPlan(maxRounds == null ? rounds : Math.min(rounds, maxRounds), steps, averagingFrequency, epochs);
    }

    /** The first step of a round. */
    public int iteration(long round) {
        return (int) (round * averagingFrequency);
    }

    /** The 0-based epoch a round starts in. */
    public int epoch(long round) {
        return (int) (iteration(round) / stepsPerEpoch);
    }

    /** The number of whole epochs done after a round. */
    public int epochsDoneAfter(long round) {
        return (int) ((round + 1) * averagingFrequency / stepsPerEpoch);
    }

    /** The fractional epoch at the end of a round (what metrics.jsonl calls {@code epoch}). */
    public double epochAfter(long round) {
        return (double) (round + 1) * averagingFrequency / stepsPerEpoch;
    }

    /** Whether an epoch boundary falls inside or at the end of the round. */
    public boolean endsEpoch(long round) {
        return epochsDoneAfter(round) > epoch(round);
    }

    public boolean isLast(long round) {
        return round + 1 == totalRounds;
    }
}
