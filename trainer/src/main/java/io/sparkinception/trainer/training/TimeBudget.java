package io.sparkinception.trainer.training;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A wall-clock budget for a training run ({@code time-budget = 30m}): the run's length in rounds is chosen from the
 * measured cost of its first rounds so that the whole learning-rate schedule, warm-up to final decay, fits in the
 * budget, instead of a fixed number of epochs cut off at a high learning rate. Pure arithmetic; the trainer measures.
 *
 * @param budget            the whole run, from the start of {@code train} to its summary, scoring included
 * @param calibrationRounds rounds measured before the length is fixed (the first round, which also builds the
 *                          networks and warms the JIT, is not counted in the rate)
 */
public record TimeBudget(Duration budget, int calibrationRounds) implements java.io.Serializable {
    /** Rounds measured before a run's length is fixed, after the first round of the process (which builds networks). */
    public static final int CALIBRATION_ROUNDS = 3;
    private static final Pattern TEXT = Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");

    public TimeBudget {
        if (budget == null || budget.isNegative() || budget.isZero()) {
            throw new IllegalArgumentException("--time-budget must be positive, got " + budget);
        }
        if (calibrationRounds < 1) {
            throw new IllegalArgumentException("calibrationRounds must be >= 1, got " + calibrationRounds);
        }
    }

    /** Parses {@code 90s}, {@code 30m}, {@code 1h30m}, {@code 2h}; null or blank for none. */
    public static TimeBudget parse(String text, int calibrationRounds) {
        if (text == null || text.isBlank()) {
            return null;
        }
        Matcher m = TEXT.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches() || (m.group(1) == null && m.group(2) == null && m.group(3) == null)) {
            throw new IllegalArgumentException("--time-budget must look like 90s, 30m, 1h30m or 2h, got '" + text + "'");
        }
        long seconds = 0;
        seconds += m.group(1) == null ? 0 : Long.parseLong(m.group(1)) * 3600;
        seconds += m.group(2) == null ? 0 : Long.parseLong(m.group(2)) * 60;
        seconds += m.group(3) == null ? 0 : Long.parseLong(m.group(3));
        return new TimeBudget(Duration.ofSeconds(seconds), calibrationRounds);
    }

    /** This budget split evenly among {@code members} runs trained one after the other (an ensemble). */
    public TimeBudget share(int members) {
        if (members < 1) {
            throw new IllegalArgumentException("members must be >= 1, got " + members);
        }
        return new TimeBudget(budget.dividedBy(members), calibrationRounds);
    }

    /**
     * What is left of this budget for the members that have not finished, split per wave: a member starting now gets
     * {@code (budget - elapsed) / waves}, in whole seconds and at least one second (so {@link #text} reads back).
     *
     * @param waves the rounds of members still to run one after another (members / concurrent, the starting one included)
     */
    public TimeBudget left(Duration elapsed, int waves) {
        return left(elapsed, waves, 1.0);
    }

    /**
     * As {@link #left(Duration, int)}, times {@code factor}: a member's cost over the mean cost of the members still to
     * train (an ensemble that splits its budget by cost), in whole seconds and at least one.
     */
    public TimeBudget left(Duration elapsed, int waves, double factor) {
        if (waves < 1) {
            throw new IllegalArgumentException("waves must be >= 1, got " + waves);
        }
        if (!(factor > 0) || !Double.isFinite(factor)) {
            throw new IllegalArgumentException("factor must be positive, got " + factor);
        }
        Duration left = budget.minus(elapsed);
        // Whole milliseconds first, so 90m x 14/15 / 7 is 12m, not 11m59.999s.
        long seconds = factor == 1.0 ? left.dividedBy(waves).toSeconds()
                : Math.floorDiv(Math.round(left.toMillis() * factor / waves), 1000L);
        return new TimeBudget(Duration.ofSeconds(Math.max(1, seconds)), calibrationRounds);
    }

    /** Whether {@code elapsed} has used up the whole budget. */
    public boolean exhaustedBy(Duration elapsed) {
        return elapsed.compareTo(budget) >= 0;
    }

    /** The budget as {@link #parse} reads it: {@code 1h30m}, {@code 4m17s}, {@code 90s} (whole seconds). */
    public String text() {
        long s = budget.toSeconds();
        StringBuilder sb = new StringBuilder();
        if (s >= 3600) {
            sb.append(s / 3600).append('h');
        }
        if (s % 3600 >= 60) {
            sb.append(s % 3600 / 60).append('m');
        }
        if (s % 60 > 0 || sb.length() == 0) {
            sb.append(s % 60).append('s');
        }
        return sb.toString();
    }

    /** Seconds left for training rounds: the budget minus {@code elapsed} and what is kept for the end. */
    public double secondsLeft(Duration elapsed, double finalScoring) {
        return (budget.toMillis() - elapsed.toMillis()) / 1000.0 - finalScoring;
    }

    /**
     * How many rounds the run gets in all.
     *
     * @param elapsed          time since the run started, when the length is decided
     * @param roundsDone       rounds finished by then
     * @param perRound         measured seconds per training round (after the first)
     * @param perValidation    measured seconds of one validation pass (0 when the run does not validate)
     * @param roundsPerEpoch   training rounds per epoch
     * @param validateEvery    validation every this many epochs (0: never)
     * @param finalScoring     seconds kept for the work after the last round (final validation, summary)
     * @return at least {@code roundsDone + 1}: a run that has already spent its budget still ends its schedule
     *         with one more round rather than stopping at an arbitrary point
     */
    public long totalRounds(Duration elapsed, long roundsDone, double perRound, double perValidation,
                            double roundsPerEpoch, double validateEvery, double finalScoring) {
        if (!(perRound > 0) || !(roundsPerEpoch > 0) || perValidation < 0 || validateEvery < 0 || finalScoring < 0) {
            throw new IllegalArgumentException("time-budget needs positive measured costs, got " + perRound + " s/round, "
                    + perValidation + " s/validation, " + roundsPerEpoch + " rounds/epoch");
        }
        double left = secondsLeft(elapsed, finalScoring);
        double validationPerRound = validateEvery > 0 ? perValidation / (roundsPerEpoch * validateEvery) : 0;
        long more = (long) Math.floor(left / (perRound + validationPerRound));
        return roundsDone + Math.max(1, more);
    }
}
