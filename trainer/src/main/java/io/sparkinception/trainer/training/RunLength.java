package io.sparkinception.trainer.training;

import io.sparkinception.trainer.models.ScheduleWarp;
import java.util.List;

/**
 * How long a run is: its {@link RoundPlan} and the epochs its learning-rate schedule spans. Without a time budget both
 * come from {@code epochs} (and {@code max-rounds}); with one, {@link TimeBudgetListener} fixes them after its
 * calibration rounds and may re-plan them later, or a resumed run takes them from the checkpoint that recorded them.
 * Driver-side, one per run.
 */
final class RunLength {
    private final RoundPlan epochsPlan;
    private final Long maxRounds;
    private RoundPlan plan;
    private BudgetDecision decision;

    /**
     * @param epochsPlan the plan of {@code epochs} without {@code max-rounds}
     * @param maxRounds  the {@code max-rounds} cap, or null
     * @param recorded   the decision a checkpoint recorded (with its re-plans), or null
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

    /** {@code epochs}: what the schedule spans when the budget buys all of them. */
    double epochs() {
        return epochsPlan.epochs();
    }

    /** The epochs the run spans now: {@code epochs}, or what the budget fixed or last re-planned. */
    double scheduleEpochs() {
        return decision == null ? epochsPlan.epochs() : decision.scheduleEpochs();
    }

    /** The epochs the decay is laid out over: {@code epochs}, or the budget's first plan (re-plans warp it). */
    double laidOutEpochs() {
        return decision == null ? epochsPlan.epochs() : decision.first().scheduleEpochs();
    }

    /** The budget's re-plans as epochs (where each happened, where the run then ended); empty without any. */
    List<ScheduleWarp.Replan> replans() {
        if (decision == null) {
            return List.of();
        }
        return decision.plans().stream().skip(1)
                .map(p -> new ScheduleWarp.Replan(epochsPlan.epochAfter(p.afterRound() - 1), p.scheduleEpochs()))
                .toList();
    }

    boolean fixed() {
        return decision != null;
    }

    /** The budget's decision, or null (no budget, or not calibrated yet). */
    BudgetDecision decision() {
        return decision;
    }

    /** Fixes the run's length; once per run (a re-plan goes through {@link #replan}). */
    void fix(BudgetDecision d) {
        if (decision != null) {
            throw new IllegalStateException("the run's length is fixed already: " + decision.describe());
        }
        adopt(d);
    }

    /** Changes the fixed length after round {@code p.afterRound()}. */
    void replan(BudgetDecision.Plan p) {
        if (decision == null) {
            throw new IllegalStateException("a run's length is re-planned only after it was fixed");
        }
        adopt(decision.replanned(p));
    }

    private void adopt(BudgetDecision d) {
        decision = d;
        plan = capped(d.rounds(), (int) Math.ceil(d.scheduleEpochs()));
    }

    private RoundPlan capped(long rounds, int epochs) {
        return new RoundPlan(maxRounds == null ? rounds : Math.min(rounds, maxRounds), epochsPlan.stepsPerEpoch(),
                epochsPlan.averagingFrequency(), epochs);
    }
}
