package io.sparkinception.trainer.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The length a {@code time-budget} chose for a run: fixed after its calibration rounds, then possibly re-planned at the
 * ends of epochs 1, 2, 4, 8, ... while at most half of it was done and at every later epoch end; recorded
 * in every later checkpoint and in {@code summary.json}, so a resumed run continues the same schedule and reuses
 * every recorded plan. The fields but {@code plans} are those of the latest plan (what {@code summary.json} had before
 * re-planning existed).
 *
 * @param budget               the budget as given ({@code 30m}; an ensemble member's share)
 * @param rounds               the rounds of the whole schedule ({@code max-rounds} may still stop the run earlier)
 * @param scheduleEpochs       the epochs the run spans: the learning-rate schedule's final rate falls at the end of the
 *                             last round
 * @param secondsPerRound      measured cost of a training round
 * @param secondsPerValidation measured cost of one validation pass (0 when the run does not validate)
 * @param calibratedAfterRound the (1-based) round after which the length was fixed (or last re-planned)
 * @param limitedByEpochs      whether {@code epochs} was the shorter bound (then the run is the one without a budget)
 * @param plans                every plan in the order made, the first (the calibration's) first and the latest last;
 *                             absent (null) in records written before re-planning existed: then the one plan above
 */
public record BudgetDecision(String budget, long rounds, double scheduleEpochs, double secondsPerRound,
                             double secondsPerValidation, long calibratedAfterRound, boolean limitedByEpochs,
                             List<Plan> plans) {

    /**
     * One plan of the run's length.
     *
     * @param afterRound the (1-based) round after which it was made
     */
    public record Plan(long afterRound, long rounds, double scheduleEpochs, double secondsPerRound,
                       double secondsPerValidation, boolean limitedByEpochs) {
        public Plan {
            if (rounds < 1 || !(scheduleEpochs > 0) || afterRound < 0) {
                throw new IllegalArgumentException("a time-budget plan needs rounds >= 1 and epochs > 0, got " + rounds
                        + " rounds, " + scheduleEpochs + " epochs after round " + afterRound);
            }
        }
    }

    public BudgetDecision {
        if (rounds < 1 || !(scheduleEpochs > 0)) {
            throw new IllegalArgumentException("a time-budget decision needs rounds >= 1 and epochs > 0, got " + rounds
                    + " rounds, " + scheduleEpochs + " epochs");
        }
        Plan latest = new Plan(calibratedAfterRound, rounds, scheduleEpochs, secondsPerRound, secondsPerValidation,
                limitedByEpochs);
        plans = plans == null || plans.isEmpty() ? List.of(latest) : List.copyOf(plans);
        if (!plans.get(plans.size() - 1).equals(latest)) {
            throw new IllegalArgumentException("a time-budget decision holds its latest plan, got " + latest + " and "
                    + plans);
        }
        for (int i = 1; i < plans.size(); i++) {
            if (plans.get(i).afterRound() <= plans.get(i - 1).afterRound()) {
                throw new IllegalArgumentException("time-budget plans must follow one another in rounds: " + plans);
            }
        }
    }

    /** The first plan of a run, made after its calibration rounds. */
    public BudgetDecision(String budget, long rounds, double scheduleEpochs, double secondsPerRound,
                          double secondsPerValidation, long calibratedAfterRound, boolean limitedByEpochs) {
        this(budget, rounds, scheduleEpochs, secondsPerRound, secondsPerValidation, calibratedAfterRound, limitedByEpochs,
                null);
    }

    /** The first plan of a run with budget {@code budget}, made after its calibration rounds. */
    public static BudgetDecision first(String budget, Plan p) {
        return new BudgetDecision(budget, p.rounds(), p.scheduleEpochs(), p.secondsPerRound(), p.secondsPerValidation(),
                p.afterRound(), p.limitedByEpochs());
    }

    /** This decision after a re-plan: {@code p} becomes the latest plan. */
    public BudgetDecision replanned(Plan p) {
        List<Plan> all = new ArrayList<>(plans);
        all.add(p);
        return new BudgetDecision(budget, p.rounds(), p.scheduleEpochs(), p.secondsPerRound(), p.secondsPerValidation(),
                p.afterRound(), p.limitedByEpochs(), all);
    }

    /** The plan that the calibration made; the later ones are re-plans. */
    public Plan first() {
        return plans.get(0);
    }

    /**
     * The log line of the latest plan: {@code time-budget 30m: 412 rounds (26.4 epochs) at 1.53 s/round +
     * 4.1 s/validation}, and how many re-plans led to it when there were any.
     */
    public String describe() {
        return String.format(Locale.ROOT, "time-budget %s: %d rounds (%.1f epochs) at %.2f s/round + %.1f s/validation%s%s",
                budget, rounds, scheduleEpochs, secondsPerRound, secondsPerValidation,
                limitedByEpochs ? " (the epochs bound is shorter: the schedule spans epochs)" : "",
                plans.size() > 1 ? String.format(Locale.ROOT, " (re-planned ×%d, last after round %d)",
                        plans.size() - 1, calibratedAfterRound) : "");
    }

    /**
     * The log line of the latest re-plan: {@code time-budget 27m: re-planned after round 31: 812 rounds (52.4 epochs)
     * at 1.71 s/round (was 591)}.
     */
    public String describeReplan() {
        if (plans.size() < 2) {
            throw new IllegalStateException("not re-planned: " + describe());
        }
        return String.format(Locale.ROOT, "time-budget %s: re-planned after round %d: %d rounds (%.1f epochs) at %.2f"
                        + " s/round (was %d)%s", budget, calibratedAfterRound, rounds, scheduleEpochs, secondsPerRound,
                plans.get(plans.size() - 2).rounds(),
                limitedByEpochs ? " (the epochs bound is shorter: the schedule spans epochs)" : "");
    }
}
