package io.sparkinception.trainer.ensemble;

import io.sparkinception.trainer.training.TimeBudget;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Splits an ensemble's {@code time-budget} among its members as they start: a member gets what is left of the total,
 * divided by the waves of members still to train ({@code concurrent} at a time; one after another: the members left).
 * A member that already has a share (from an interrupted run's {@code budget.json}) keeps it. The time already spent
 * counts the runs before a rerun ({@link Record#spentSeconds}). Thread-safe: members start from the ensemble's pool.
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
    private int notStarted;
    private int running;

    /**
     * @param toTrain  members this run trains or resumes (finished members are not counted)
     * @param recorded the record of an earlier run into the same output, or null
     */
    MemberBudgets(TimeBudget total, int concurrent, int toTrain, Record recorded, LongSupplier nanos) {
        this.total = total;
        this.concurrent = concurrent;
        this.nanos = nanos;
        this.start = nanos.getAsLong();
        this.spentBefore = recorded == null ? 0 : recorded.spentSeconds();
        this.shares = new LinkedHashMap<>(recorded == null ? Map.of() : recorded.shares());
        this.notStarted = toTrain;
    }

    /** The share of a member that starts now (its recorded one, if any), as a train {@code time-budget}. */
    synchronized String start(String member) {
        int waves = (notStarted + running + concurrent - 1) / concurrent;
        notStarted--;
        running++;
        return shares.computeIfAbsent(member, m -> total.left(spent(), waves).text());
    }

    /** A started member ended (finished or failed). */
    synchronized void finish() {
        running--;
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
