package io.sparkinception.trainer.training;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * Fixes the length of a run with a {@code time-budget}: the first round of this process is not measured (it builds the
 * networks and warms the JIT); after {@link TimeBudget#calibrationRounds()} more it times one validation pass, asks
 * {@link TimeBudget#totalRounds} for the run's length, bounds it by {@code epochs} and fixes it in the
 * {@link RunLength}, which lays the learning-rate schedule out to end with the last round. Until then the run trains
 * at the start of the schedule laid out over {@code epochs} (its warm-up or initial rate). Comes after the divergence
 * listener and before the listeners that read the plan (progress, validation, checkpoints).
 */
final class TimeBudgetListener implements TrainingLoop.Listener {

    /** Scores the current parameters once (as a validation) and returns the seconds it took; 0 when nothing is scored. */
    @FunctionalInterface
    interface ValidationPass {
        double seconds(TrainingLoop.Round round);
    }

    private final TimeBudget budget;
    private final RunLength length;
    private final RunClock clock;
    private final double setupSeconds;
    private final ValidationPass validation;
    private final double validateEvery;
    private final int passesAfterLastRound;
    private final PrintStream log;
    private long firstIndex = -1;
    private double firstEnd;

    /**
     * @param setupSeconds         seconds this process spent before the clock started (loading data, building the model)
     * @param validateEvery        validation every this many epochs; 0 when the run does not validate
     * @param passesAfterLastRound validation passes after the last round (the final one, and the EMA model's)
     */
    TimeBudgetListener(TimeBudget budget, RunLength length, RunClock clock, double setupSeconds, ValidationPass validation,
                       double validateEvery, int passesAfterLastRound, PrintStream log) {
        this.budget = budget;
        this.length = length;
        this.clock = clock;
        this.setupSeconds = setupSeconds;
        this.validation = validation;
        this.validateEvery = validateEvery;
        this.passesAfterLastRound = passesAfterLastRound;
        this.log = log;
    }

    @Override
    public void afterRound(TrainingLoop.Round round) {
        if (length.fixed()) {
            return;
        }
        if (firstIndex < 0) {
            firstIndex = round.index();
            firstEnd = clock.loopSeconds();
            return;
        }
        long measured = round.index() - firstIndex;
        if (measured < budget.calibrationRounds() && !round.isLast()) {
            return;
        }
        double perRound = (clock.loopSeconds() - firstEnd) / measured;
        double perValidation = validateEvery > 0 ? validation.seconds(round) : 0;
        Duration elapsed = Duration.ofNanos(Math.round((clock.wallSeconds() + setupSeconds) * 1e9));
        RoundPlan plan = round.plan();
        double roundsPerEpoch = (double) plan.stepsPerEpoch() / plan.averagingFrequency();
        double finalScoring = passesAfterLastRound * perValidation;
        long rounds = budget.totalRounds(elapsed, round.number(), perRound, perValidation, roundsPerEpoch, validateEvery,
                finalScoring);
        boolean limited = rounds >= length.epochsRounds();
        BudgetDecision d = limited
                ? new BudgetDecision(budget.text(), length.epochsRounds(), length.scheduleEpochs(), perRound, perValidation,
                        round.number(), true)
                : new BudgetDecision(budget.text(), rounds, (double) rounds * plan.averagingFrequency() / plan.stepsPerEpoch(),
                        perRound, perValidation, round.number(), false);
        length.fix(d);
        log.println("train: " + d.describe());
        if (budget.secondsLeft(elapsed, finalScoring) < perRound) {
            log.printf(Locale.ROOT, "train: warning: time-budget %s is too small: %.1f s went on setup and %d calibration"
                    + " rounds; the schedule ends with one more round, past the budget%n", budget.text(),
                    elapsed.toMillis() / 1000.0, round.number());
        }
    }
}
