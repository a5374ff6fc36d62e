package io.sparkinception.trainer.models;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a learning-rate schedule stands at each epoch of a run whose length changed while it ran (a time budget that
 * re-planned): a continuous, non-decreasing, piecewise-linear map from the run's epoch to the epoch of the schedule as
 * first laid out. Before the first segment it is the identity; each {@link Segment} maps its stretch of the run onto
 * the rest of the laid-out schedule, so a re-plan never moves the rate at the epoch where it happens, and the final
 * rate still falls at the run's new end. {@link #NONE} (no re-plan) leaves every epoch as it is, bit for bit.
 *
 * @param segments sorted by {@link Segment#fromEpoch}; each holds until the next one starts, the last one for good
 */
public record ScheduleWarp(List<Segment> segments) implements Serializable {

    /** No re-plan: the run's epoch is the schedule's epoch. */
    public static final ScheduleWarp NONE = new ScheduleWarp(List.of());

    /**
     * From run epoch {@code fromEpoch} to {@code toEpoch}, the schedule goes linearly from {@code scheduleFrom} to
     * {@code scheduleTo} (and on at the same pace after {@code toEpoch}, where a clamped decay stays at its floor).
     */
    public record Segment(double fromEpoch, double scheduleFrom, double toEpoch, double scheduleTo)
            implements Serializable {
        public Segment {
            if (!(toEpoch > fromEpoch && scheduleTo >= scheduleFrom && Double.isFinite(toEpoch)
                    && Double.isFinite(scheduleTo) && fromEpoch >= 0 && scheduleFrom >= 0)) {
                throw new IllegalArgumentException("a schedule warp segment needs 0 <= from < to and a schedule that"
                        + " does not go back, got " + fromEpoch + ".." + toEpoch + " -> " + scheduleFrom + ".." + scheduleTo);
            }
        }

        double at(double epoch) {
            if (epoch == toEpoch) {
                return scheduleTo;
            }
            return scheduleFrom + (epoch - fromEpoch) * ((scheduleTo - scheduleFrom) / (toEpoch - fromEpoch));
        }
    }

    /**
     * A change of the run's end while it runs: after {@code atEpoch} of training, the run now ends at {@code endEpoch}.
     */
    public record Replan(double atEpoch, double endEpoch) implements Serializable {
        public Replan {
            if (!(atEpoch >= 0 && endEpoch > 0 && Double.isFinite(atEpoch) && Double.isFinite(endEpoch))) {
                throw new IllegalArgumentException("a re-plan needs an epoch >= 0 and an end > 0, got " + atEpoch + " and "
                        + endEpoch);
            }
        }
    }

    public ScheduleWarp {
        segments = List.copyOf(segments);
        for (int i = 1; i < segments.size(); i++) {
            if (!(segments.get(i).fromEpoch() > segments.get(i - 1).fromEpoch())) {
                throw new IllegalArgumentException("schedule warp segments must start in order: " + segments);
            }
        }
    }

    /**
     * The warp of a schedule laid out over {@code laidOutEpochs} after the given re-plans, in the order they happened.
     *
     * @param warmupEpochs the warm-up, which keeps its length in epochs (it is specified in epochs)
     */
    public static ScheduleWarp of(double laidOutEpochs, double warmupEpochs, List<Replan> replans) {
        ScheduleWarp w = NONE;
        for (Replan r : replans) {
            w = w.stretched(r.atEpoch(), r.endEpoch(), laidOutEpochs, warmupEpochs);
        }
        return w;
    }

    public boolean isIdentity() {
        return segments.isEmpty();
    }

    /** The epoch of the laid-out schedule that the run's {@code epoch} trains at. */
    public double scheduleEpoch(double epoch) {
        for (int i = segments.size() - 1; i >= 0; i--) {
            if (epoch >= segments.get(i).fromEpoch()) {
                return segments.get(i).at(epoch);
            }
        }
        return epoch;
    }

    /**
     * This warp after a re-plan at run epoch {@code atEpoch} that moves the run's end to {@code endEpoch}: up to the
     * pivot (the re-plan, or the end of a warm-up still running then, which keeps its length) nothing changes; from
     * there the rest of the laid-out schedule, up to {@code laidOutEpochs}, is stretched or compressed over the run's
     * epochs up to {@code endEpoch}. A run that now ends before the pivot (inside its warm-up) gets no segment: it never
     * reaches the decay.
     */
    public ScheduleWarp stretched(double atEpoch, double endEpoch, double laidOutEpochs, double warmupEpochs) {
        double pivot = Math.max(atEpoch, warmupEpochs);
        List<Segment> kept = new ArrayList<>();
        for (Segment s : segments) {
            if (s.fromEpoch() < pivot) {
                kept.add(s);
            }
        }
        if (endEpoch > pivot) {
            double from = scheduleEpoch(pivot);
            kept.add(new Segment(pivot, from, endEpoch, Math.max(from, laidOutEpochs)));
        }
        return new ScheduleWarp(kept);
    }

    /** Stable text form, read back by {@link #parse}: {@code from:scheduleFrom:to:scheduleTo} segments joined by {@code ,}. */
    public String spec() {
        StringBuilder sb = new StringBuilder();
        for (Segment s : segments) {
            sb.append(sb.length() == 0 ? "" : ",").append(s.fromEpoch()).append(':').append(s.scheduleFrom()).append(':')
                    .append(s.toEpoch()).append(':').append(s.scheduleTo());
        }
        return sb.toString();
    }

    /** The inverse of {@link #spec()}; blank is {@link #NONE}. */
    public static ScheduleWarp parse(String spec) {
        if (spec == null || spec.isBlank()) {
            return NONE;
        }
        List<Segment> segments = new ArrayList<>();
        for (String part : spec.split(",")) {
            String[] a = part.split(":");
            if (a.length != 4) {
                throw new IllegalArgumentException("not a schedule warp segment: '" + part + "' in '" + spec + "'");
            }
            segments.add(new Segment(Double.parseDouble(a[0]), Double.parseDouble(a[1]), Double.parseDouble(a[2]),
                    Double.parseDouble(a[3])));
        }
        return new ScheduleWarp(segments);
    }
}
