package io.sparkinception.trainer.training;

import java.util.Locale;

/**
 * Checks every round's result for numerical faults before the loop uses it: a non-finite mean loss, or a NaN or
 * infinite value in the averaged parameters (or the averaged updater state, when it is averaged). The averages are
 * the sums divided by the worker count, so they are finite exactly when the sums are; the check reads the sums.
 *
 * <p>What happens on a fault is the {@link Policy}: {@code stop} ends the run with a
 * {@link TrainingDivergedException}; {@code skip-round-and-halve-lr} tells the loop to discard the round (restore
 * the parameters and updater state it started from) and to halve the learning rate for the rest of the run, and
 * stops after {@value #MAX_CONSECUTIVE_SKIPS} consecutive faulty rounds. Driver-side, one per run; not thread-safe.
 */
public final class DivergenceGuard {
    /** Faulty rounds in a row after which {@code skip-round-and-halve-lr} stops too. */
    public static final int MAX_CONSECUTIVE_SKIPS = 3;

    /** The {@code on-divergence} setting. */
    public enum Policy {
        STOP("stop"), SKIP_ROUND_AND_HALVE_LR("skip-round-and-halve-lr");

        private final String id;

        Policy(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public static Policy of(String id) {
            for (Policy p : values()) {
                if (p.id.equals(id)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("unknown on-divergence '" + id + "' (known: stop, skip-round-and-halve-lr)");
        }
    }

    /** What the loop does with a round. */
    public enum Action { KEEP, SKIP, STOP }

    /**
     * The outcome of one check.
     *
     * @param action   keep the round, skip it (restore and halve), or stop the run
     * @param message  empty for {@code KEEP}; otherwise one line naming the round, the loss and the fault
     * @param event    null for {@code KEEP}; otherwise the {@code type: divergence} line for metrics.jsonl
     */
    public record Verdict(Action action, String message, DivergenceEvent event) {
    }

    private final Policy policy;
    private int consecutive;
    private int halvings;

    /** @param halvings the halvings of the learning rate already made (from a checkpoint), 0 for a new run */
    public DivergenceGuard(Policy policy, int halvings) {
        this.policy = policy;
        this.halvings = halvings;
    }

    /** How many rounds were skipped (each halved the learning rate once) in this run, before a resume included. */
    public int halvings() {
        return halvings;
    }

    /** The factor applied to the configured learning rate: {@code 0.5^halvings}. */
    public double learningRateScale() {
        return Math.scalb(1.0, -halvings);
    }

    /**
     * Checks one round (1-based {@code round}) and updates the counters.
     *
     * @param checkUpdater whether the updater state was averaged into the driver (then it is checked too)
     */
    public Verdict check(long round, Aggregate agg, boolean checkUpdater) {
        double loss = agg.meanLoss();
        int badParams = nonFinite(agg.paramSum());
        int badUpdater = checkUpdater ? nonFinite(agg.updaterSum()) : 0;
        if (Double.isFinite(loss) && badParams == 0 && badUpdater == 0) {
            consecutive = 0;
            return new Verdict(Action.KEEP, "", null);
        }
        consecutive++;
        String fault = String.format(Locale.ROOT, "round %d diverged: loss %s, %d of %d averaged parameters and %d of %d"
                        + " updater values non-finite", round, loss, badParams, agg.paramSum().length, badUpdater,
                checkUpdater ? agg.updaterSum().length : 0);
        boolean skip = policy == Policy.SKIP_ROUND_AND_HALVE_LR && consecutive < MAX_CONSECUTIVE_SKIPS;
        if (skip) {
            halvings++;
            DivergenceEvent event = new DivergenceEvent(round, loss, badParams, badUpdater, policy.id(), "skip",
                    learningRateScale(), consecutive);
            return new Verdict(Action.SKIP, fault + String.format(Locale.ROOT, "; round discarded, learning rate"
                    + " halved (now %s x the configured one, skip %d of at most %d in a row)", learningRateScale(),
                    consecutive, MAX_CONSECUTIVE_SKIPS - 1), event);
        }
        DivergenceEvent event = new DivergenceEvent(round, loss, badParams, badUpdater, policy.id(), "stop", null,
                consecutive);
        String why = policy == Policy.STOP ? "on-divergence = stop"
                : consecutive + " faulty rounds in a row (on-divergence = skip-round-and-halve-lr)";
        return new Verdict(Action.STOP, fault + "; training stopped (" + why + ")", event);
    }

    /** The number of NaN or infinite values. */
    static int nonFinite(float[] v) {
        int n = 0;
        for (float x : v) {
            if (!Float.isFinite(x)) {
                n++;
            }
        }
        return n;
    }
}
