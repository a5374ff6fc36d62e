package io.sparkinception.trainer.models;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * DL4J's view of a {@link TrainingRecipe.LearningRate}: it evaluates {@link TrainingRecipe.LearningRate#at} at the
 * network's iteration count, so warm-up and the smooth shapes move every step, and a resumed or retried round (whose
 * iteration count is restored) gets the same rate bit for bit. It holds the schedule as its text form so DL4J's JSON
 * of the network configuration carries it to the executors and into model files.
 */
public final class RateSchedule implements ISchedule {
    private static final long serialVersionUID = 1L;

    @JsonProperty("learningRate")
    private final String learningRate;
    @JsonProperty("iterationsPerEpoch")
    private final int iterationsPerEpoch;
    private transient TrainingRecipe.LearningRate parsed;

    /**
     * @param iterationsPerEpoch steps per epoch; 0 when unknown, and then the rate moves only at whole epochs (DL4J's
     *                           epoch count)
     */
    public RateSchedule(@JsonProperty("learningRate") String learningRate,
                        @JsonProperty("iterationsPerEpoch") int iterationsPerEpoch) {
        if (iterationsPerEpoch < 0) {
            throw new IllegalArgumentException("iterationsPerEpoch must be >= 0, got " + iterationsPerEpoch);
        }
        this.learningRate = learningRate;
        this.iterationsPerEpoch = iterationsPerEpoch;
        this.parsed = TrainingRecipe.LearningRate.parse(learningRate);
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        if (parsed == null) {
            parsed = TrainingRecipe.LearningRate.parse(learningRate);
        }
        return iterationsPerEpoch > 0
                ? parsed.at((double) iteration / iterationsPerEpoch, 1.0 / iterationsPerEpoch)
                : parsed.at(epoch, 1);
    }

    @Override
    public ISchedule clone() {
        return new RateSchedule(learningRate, iterationsPerEpoch);
    }

    public String getLearningRate() {
        return learningRate;
    }

    public int getIterationsPerEpoch() {
        return iterationsPerEpoch;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RateSchedule r && r.learningRate.equals(learningRate) && r.iterationsPerEpoch == iterationsPerEpoch;
    }

    @Override
    public int hashCode() {
        return learningRate.hashCode() * 31 + iterationsPerEpoch;
    }

    @Override
    public String toString() {
        return "RateSchedule(" + learningRate + ", " + iterationsPerEpoch + " iterations/epoch)";
    }
}
