package io.sparkinception.trainer.ensemble;

import io.sparkinception.trainer.training.TimeBudget;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Splits an ensemble's {@code time-budget} among its members as they start: a member gets what is left of the total,
 * divided by the waves of members still to train ({@code concurrent} at a time; one after another: the members left),
 * times its relative cost over the mean cost of the members not yet finished ({@code budget-split = cost}: a member
 * twice as expensive per image gets twice the minutes, so every member trains about as many epochs; all costs 1 for
 * {@code equal}), and never more than what is left. A member that already has a share (from an interrupted run's
 * {@code budget.json}) keeps it. The time already spent counts the runs before a rerun ({@link Record#spentSeconds}).
 * Thread-safe: members start from the ensemble's pool.
 */
final class MemberBudgets {
    /** File of the shares in the ensemble's output. */
    static final String FILE_NAME = "budget.json";

    /**
     * {@code budget.json}: the total, each started member's share, and the seconds spent when it was last written.
     */
    record Record(String total, Map<String, String> shares, double spentSeconds) {
        Record {
            shares = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(shares));
        }
    }

    private final TimeBudget total;
    private final int concurrent;
    private final LongSupplier nanos;
    private final long start;
    private final double spentBefore;
    private final Map<String, String> shares;
    private final Map<String, Double> notStarted;
    private final Map<String, Double> running = new LinkedHashMap<>();

    /**
     * @param toTrain  the members this run trains or resumes (finished members are not counted), each with its
     *                 relative cost per image (any positive scale; all equal for {@code budget-split = equal})
     * @param recorded the record of an earlier run into the same output, or null
     */
    MemberBudgets(TimeBudget total, int concurrent, Map<String, Double> toTrain, Record recorded, LongSupplier nanos) {
        for (Map.Entry<String, Double> e : toTrain.entrySet()) {
            if (!(e.getValue() > 0) || !Double.isFinite(e.getValue())) {
                throw new IllegalArgumentException("the cost of " + e.getKey() + " must be positive, got " + e.getValue());
            }
        }
        this.total = total;
        this.concurrent = concurrent;
        this.nanos = nanos;
        this.start = nanos.getAsLong();
        this.spentBefore = recorded == null ? 0 : recorded.spentSeconds();
        this.shares = new LinkedHashMap<>(recorded == null ? Map.of() : recorded.shares());
        this.notStarted = new LinkedHashMap<>(toTrain);
    }

    /** The share of a member that starts now (its recorded one, if any), as a train {@code time-budget}. */
    synchronized String start(String member) {
        if (!notStarted.containsKey(member)) {
            throw new IllegalStateException(member + " is not a member left to train");
        }
        int pending = notStarted.size() + running.size();
        int waves = (pending + concurrent - 1) / concurrent;
        double sum = 0;
        for (double c : notStarted.values()) {
            sum += c;
        }
        for (double c : running.values()) {
            sum += c;
        }
        double cost = notStarted.remove(member);
        running.put(member, cost);
        // At most what is left: with concurrent members a costly one runs beside the others, not after them.
        double factor = Math.min(cost * pending / sum, waves);
        return shares.computeIfAbsent(member, m -> total.left(spent(), waves, factor).text());
    }

    /** A started member ended (finished or failed). */
    synchronized void finish(String member) {
        running.remove(member);
    }

    /** Whether the total is used up (the next member then gets the minimum share and the run warns). */
    synchronized boolean exhausted() {
        return total.exhaustedBy(spent());
    }

    /** The recorded share of a member, or null. */
    synchronized String shareOf(String member) {
        return shares.get(member);
    }

    synchronized Record record() {
        return new Record(total.text(), shares, spent().toMillis() / 1000.0);
    }

    private Duration spent() {
        return Duration.ofMillis(Math.round(spentBefore * 1000)).plusNanos(nanos.getAsLong() - start);
    }
}
