package io.sparkinception.trainer.training;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * Fixes the length of a run with a {@code time-budget}, then re-plans it while the rounds speed up or slow down.
 *
 * <p>The first round of this process is not measured (it builds the networks and warms the JIT); after
 * {@link TimeBudget#calibrationRounds()} more it times one validation pass, asks {@link TimeBudget#totalRounds} for the
 * run's length, bounds it by {@code epochs} and fixes it in the {@link RunLength}, which lays the learning-rate
 * schedule out to end with the last round. Until then the run trains at the start of the schedule laid out over
 * {@code epochs} (its warm-up or initial rate).
 *
 * <p>The early rounds are slower than the steady state (JIT, oneDNN primitive caches), so that first length is
 * pessimistic. At the end of epochs 1, 2, 4, 8, ... while at most half of the planned rounds are done, the listener
 * measures the rounds since the previous such point (at least {@code calibrationRounds} of them, else the window runs
 * on to the next point; the seconds spent scoring in it are left out), takes the cost of the latest validation pass,
 * and asks {@link TimeBudget#totalRounds} again (the validation due at this epoch's end counted as spent); a total that moves by more than {@link #REPLAN_TOLERANCE} re-plans
 * the run ({@link RunLength#replan}), and the rest of the schedule is stretched over the new length without a jump
 * (see {@link io.sparkinception.trainer.models.ScheduleWarp}).
 *
 * <p>Once more than half is done, the run is re-planned at the end of every later epoch (while more than
 * {@code calibrationRounds} rounds are left) from all the rounds since the last plan or the last doubling point (not a
 * short, noisy window that would churn the plan), by the same tolerance. Rounds that slow down late in a run (run 7 of
 * BENCHMARKS.md: 1.42 s at the last doubling point, 1.3-1.75 s after it; ended 62 s over) would otherwise overrun
 * the budget, and rounds that speed up late (run 9: 1.53 s planned, about 1.4 s after it; ended 74 s early) would
 * leave part of it unused. A resumed run keeps its recorded plans and re-plans by the same rules at the points still
 * ahead of it.
 *
 * <p>Comes after the divergence listener and before the listeners that read the plan (progress, validation,
 * checkpoints).
 */
final class TimeBudgetListener implements TrainingLoop.Listener {

    /** A re-plan must move the total rounds by more than this fraction of them: no churn. */
    static final double REPLAN_TOLERANCE = 0.02;

    /** The scoring a budget accounts for ({@link ValidationListener} in a real run). */
    interface Validation {
        /** Scores the current parameters once (as a validation of the round); its seconds, 0 when nothing is scored. */
        double timedPass(TrainingLoop.Round round);

        /** Seconds this process has spent scoring so far, the timed passes included. */
        double secondsScoring();

        /** Seconds of the latest pass, 0 before the first. */
        double lastPassSeconds();
    }

    private final TimeBudget budget;
    private final RunLength length;
    private final RunClock clock;
    private final double setupSeconds;
    private final Validation validation;
    private final double validateEvery;
    private final int passesAfterLastRound;
    private final PrintStream log;
    private long firstIndex = -1;
    private double firstEnd;
    private long windowIndex;
    private double windowStart;
    private double windowScoring;

    /**
     * @param setupSeconds         seconds this process spent before the clock started (loading data, building the model)
     * @param validateEvery        validation every this many epochs; 0 when the run does not validate
     * @param passesAfterLastRound validation passes after the last round (the final one, and the EMA model's)
     */
    TimeBudgetListener(TimeBudget budget, RunLength length, RunClock clock, double setupSeconds, Validation validation,
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
        if (firstIndex < 0) {
            firstIndex = round.index();
            firstEnd = clock.loopSeconds();
            openWindow(round);
        } else if (!length.fixed()) {
            calibrate(round);
        } else if (isReplanPoint(round)) {
            replan(round, false);
        } else if (isLatePoint(round)) {
            replan(round, true);
        }
    }

    private void calibrate(TrainingLoop.Round round) {
        long measured = round.index() - firstIndex;
        if (measured < budget.calibrationRounds() && !round.isLast()) {
            return;
        }
        double perRound = (clock.loopSeconds() - firstEnd) / measured;
        double perValidation = validateEvery > 0 ? validation.timedPass(round) : 0;
        Duration elapsed = elapsed();
        BudgetDecision.Plan p = plan(round, affordable(round, elapsed, perRound, perValidation), perRound, perValidation);
        BudgetDecision d = BudgetDecision.first(budget.text(), p);
        length.fix(d);
        log.println("train: " + d.describe());
        if (budget.secondsLeft(elapsed, passesAfterLastRound * perValidation) < perRound) {
            log.printf(Locale.ROOT, "train: warning: time-budget %s is too small: %.1f s went on setup and %d calibration"
                    + " rounds; the schedule ends with one more round, past the budget%n", budget.text(),
                    elapsed.toMillis() / 1000.0, round.number());
        }
        openWindow(round);
    }

    /** The end of epoch 1, 2, 4, 8, ... while at most half of the planned rounds are done. */
    private boolean isReplanPoint(TrainingLoop.Round round) {
        RoundPlan plan = round.plan();
        long before = plan.epoch(round.index());
        long after = plan.epochsDoneAfter(round.index());
        return Long.highestOneBit(after) > Long.highestOneBit(before) && !round.isLast()
                && 2 * round.number() <= length.decision().rounds();
    }

    /**
     * The end of any epoch once more than half of the planned rounds are done, with more than the calibration rounds
     * still ahead.
     */
    private boolean isLatePoint(TrainingLoop.Round round) {
        long planned = length.decision().rounds();
        return round.plan().endsEpoch(round.index()) && !round.isLast() && 2 * round.number() > planned
                && planned - round.number() > budget.calibrationRounds();
    }

    /**
     * Measures the rounds since the window opened and re-plans when the affordable total moves by more than the
     * tolerance. A doubling point always opens the next window; a late point only when it re-plans, so its window
     * grows until the measured rate moves the plan.
     */
    private void replan(TrainingLoop.Round round, boolean late) {
        long measured = round.index() - windowIndex;
        if (measured < budget.calibrationRounds()) {
            return;
        }
        double scoring = validation.secondsScoring() - windowScoring;
        double perRound = (clock.loopSeconds() - windowStart - scoring) / measured;
        // The latest pass of this process; a resumed process that has not scored yet takes the recorded cost.
        double perValidation = validateEvery <= 0 ? 0 : validation.lastPassSeconds() > 0 ? validation.lastPassSeconds()
                : length.decision().secondsPerValidation();
        if (!late) {
            openWindow(round);
        }
        if (!(perRound > 0)) {
            return;
        }
        // The validation due at this epoch's end runs after this listener: count it as spent already.
        boolean validatesNow = validateEvery > 0 && round.plan().epochsDoneAfter(round.index()) % validateEvery == 0;
        Duration elapsed = elapsed().plusNanos(Math.round((validatesNow ? perValidation : 0) * 1e9));
        BudgetDecision.Plan p = plan(round, affordable(round, elapsed, perRound, perValidation), perRound,
                perValidation);
        long now = length.decision().rounds();
        if (Math.abs(p.rounds() - now) <= REPLAN_TOLERANCE * now) {
            return;
        }
        length.replan(p);
        log.println("train: " + length.decision().describeReplan());
        if (late) {
            openWindow(round);
        }
    }

    private void openWindow(TrainingLoop.Round round) {
        windowIndex = round.index();
        windowStart = clock.loopSeconds();
        windowScoring = validation.secondsScoring();
    }

    private Duration elapsed() {
        return Duration.ofNanos(Math.round((clock.wallSeconds() + setupSeconds) * 1e9));
    }

    /** The rounds the budget affords in all at the measured costs, {@code epochs} not applied. */
    private long affordable(TrainingLoop.Round round, Duration elapsed, double perRound, double perValidation) {
        RoundPlan plan = round.plan();
        double roundsPerEpoch = (double) plan.stepsPerEpoch() / plan.averagingFrequency();
        return budget.totalRounds(elapsed, round.number(), perRound, perValidation, roundsPerEpoch, validateEvery,
                passesAfterLastRound * perValidation);
    }

    /** The plan of {@code rounds} made after this round, bounded by {@code epochs}. */
    private BudgetDecision.Plan plan(TrainingLoop.Round round, long rounds, double perRound, double perValidation) {
        RoundPlan plan = round.plan();
        return rounds >= length.epochsRounds()
                ? new BudgetDecision.Plan(round.number(), length.epochsRounds(), length.epochs(), perRound, perValidation,
                        true)
                : new BudgetDecision.Plan(round.number(), rounds, (double) rounds * plan.averagingFrequency()
                        / plan.stepsPerEpoch(), perRound, perValidation, false);
    }
}
