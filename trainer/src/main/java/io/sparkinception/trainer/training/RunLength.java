package io.sparkinception.trainer.training;

/**
 * How long a run is: its {@link RoundPlan} and the epochs its learning-rate schedule spans. Without a time budget both
 * come from {@code epochs} (and {@code max-rounds}); with one, {@link TimeBudgetListener} fixes them once after its
 * calibration rounds, or a resumed run takes them from the checkpoint that recorded them. Driver-side, one per run.
 */
final class RunLength {
    private final RoundPlan epochsPlan;
    private final Long maxRounds;
    private RoundPlan plan;
    private BudgetDecision decision;

    /**
     * @param epochsPlan the plan of {@code epochs} without {@code max-rounds}
     * @param maxRounds  the {@code max-rounds} cap, or null
     * @param recorded   the decision a checkpoint recorded, or null
     */
    RunLength(RoundPlan epochsPlan, Long maxRounds, BudgetDecision recorded) {
        this.epochsPlan = epochsPlan;
        this.maxRounds = maxRounds;
        this.plan = capped(epochsPlan.totalRounds(), epochsPlan.epochs());
        if (recorded != null) {
            fix(recorded);
        }
    }

    RoundPlan plan() {
        return plan;
    }

    /** Rounds of the whole {@code epochs}: the budget's upper bound. */
    long epochsRounds() {
        return epochsPlan.totalRounds();
    }

    /** The epochs the learning-rate schedule spans: {@code epochs}, or what the budget fixed. */
    double scheduleEpochs() {
        return decision == null ? epochsPlan.epochs() : decision.scheduleEpochs();
    }

    boolean fixed() {
        return decision != null;
    }

    /** The budget's decision, or null (no budget, or not calibrated yet). */
    BudgetDecision decision() {
        return decision;
    }

    /** Fixes the run's length; once per run. */
    void fix(BudgetDecision d) {
        if (decision != null) {
            throw new IllegalStateException("the run's length is fixed already: " + decision.describe());
        }
        decision = d;
        plan = capped(d.rounds(), (int) Math.ceil(d.scheduleEpochs()));
    }

    private RoundPlan capped(long rounds, int epochs) {
        return new RoundPlan(maxRounds == null ? rounds : Math.min(rounds, maxRounds), epochsPlan.stepsPerEpoch(),
                epochsPlan.averagingFrequency(), epochs);
    }
}
