package io.sparkinception.trainer.training;

import java.util.Locale;

/**
 * The length a {@code time-budget} chose for a run, fixed once after its calibration rounds and recorded in every
 * later checkpoint and in {@code summary.json}, so a resumed run continues the same schedule and never measures again.
 *
 * @param budget               the budget as given ({@code 30m}; an ensemble member's share)
 * @param rounds               the rounds of the whole schedule ({@code max-rounds} may still stop the run earlier)
 * @param scheduleEpochs       the epochs the learning-rate schedule spans: its final rate falls at the end of the last
 *                             round
 * @param secondsPerRound      measured cost of a training round
 * @param secondsPerValidation measured cost of one validation pass (0 when the run does not validate)
 * @param calibratedAfterRound the (1-based) round after which the length was fixed
 * @param limitedByEpochs      whether {@code epochs} was the shorter bound (then the run is the one without a budget)
 */
public record BudgetDecision(String budget, long rounds, double scheduleEpochs, double secondsPerRound,
                             double secondsPerValidation, long calibratedAfterRound, boolean limitedByEpochs) {

    public BudgetDecision {
        if (rounds < 1 || !(scheduleEpochs > 0)) {
            throw new IllegalArgumentException("a time-budget decision needs rounds >= 1 and epochs > 0, got " + rounds
                    + " rounds, " + scheduleEpochs + " epochs");
        }
    }

    /** The log line: {@code time-budget 30m: 412 rounds (26.4 epochs) at 1.53 s/round + 4.1 s/validation}. */
    public String describe() {
        return String.format(Locale.ROOT, "time-budget %s: %d rounds (%.1f epochs) at %.2f s/round + %.1f s/validation%s",
                budget, rounds, scheduleEpochs, secondsPerRound, secondsPerValidation,
                limitedByEpochs ? " (the epochs bound is shorter: the schedule spans epochs)" : "");
    }
}
