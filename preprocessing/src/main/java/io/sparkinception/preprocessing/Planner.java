package io.sparkinception.preprocessing;

import io.sparkinception.preprocessing.annotations.Annotation;
import io.sparkinception.preprocessing.annotations.ClassInfo;
import io.sparkinception.preprocessing.annotations.ReadResult;
import io.sparkinception.preprocessing.annotations.SkipReason;
import io.sparkinception.preprocessing.annotations.Skipped;
import io.sparkinception.preprocessing.annotations.SourceSpec;
import io.sparkinception.preprocessing.annotations.Split;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Driver-side validation and assignment, pure and Spark-free: resolves labels to class indices, rejects boxes
 * that cannot be right whatever the image holds, drops duplicates, assigns every record a split (group-aware)
 * and a sequence number within its split, and groups records by image so each image is decoded once.
 */
public final class Planner {
    private Planner() {
    }

    /** A record that passed the driver-side checks and will be cropped on an executor. */
    public record Job(Annotation annotation, int labelIndex, String labelName, Split split, long seq)
            implements Serializable {
    }

    /** The boxes of one image, in input order. */
    public record ImageTask(String imagePath, List<Job> jobs) implements Serializable {
    }

    /** The plan: tasks for the executors, what was skipped on the driver, the classes, planned records per split. */
    public record Plan(List<ImageTask> tasks, List<Skipped> skipped, List<ClassInfo> classes,
                       Map<Split, Long> plannedPerSplit, long inputRecords) {
        public long plannedRecords() {
            return plannedPerSplit.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * @param read         what the reader found
     * @param format       the source format (decides how classes are derived when no list is given)
     * @param fixedClasses the class list to use (from --class-names or a reused spec), or empty to derive it
     * @param forcedSplit  the split every record goes to, or null for auto
     */
    public static Plan plan(ReadResult read, SourceSpec.Format format, List<ClassInfo> fixedClasses, Split forcedSplit,
                            double valFraction, long seed) {
        List<ClassInfo> classes = fixedClasses.isEmpty() ? deriveClasses(read.annotations(), format) : fixedClasses;
        Map<String, ClassInfo> byLabel = new HashMap<>();
        classes.forEach(c -> byLabel.put(c.label(), c));
        List<Skipped> skipped = new ArrayList<>(read.skipped());
        Set<String> seen = new HashSet<>();
        Map<String, List<Job>> byImage = new LinkedHashMap<>();
        Map<Split, Long> perSplit = new EnumMap<>(Split.class);
        for (Annotation a : read.annotations()) {
            Skipped problem = check(a, byLabel, seen);
            if (problem != null) {
                skipped.add(problem);
                continue;
            }
            Split split = forcedSplit != null ? forcedSplit
                    : a.sourceSplit() != null ? a.sourceSplit()
                    : (unitHash(a.group(), seed) < valFraction ? Split.VAL : Split.TRAIN);
            long seq = perSplit.merge(split, 1L, Long::sum) - 1;
            ClassInfo c = byLabel.get(a.label());
            byImage.computeIfAbsent(a.imagePath(), k -> new ArrayList<>()).add(new Job(a, c.index(), c.name(), split, seq));
        }
        List<ImageTask> tasks = new ArrayList<>(byImage.size());
        byImage.forEach((path, jobs) -> tasks.add(new ImageTask(path, List.copyOf(jobs))));
        return new Plan(tasks, skipped, classes, perSplit, read.inputRecords());
    }

    private static Skipped check(Annotation a, Map<String, ClassInfo> byLabel, Set<String> seen) {
        if (a.box().inverted()) {
            return skip(a, SkipReason.INVERTED_BOX, "box " + a.box() + " has x2 < x1 or y2 < y1");
        }
        if (a.box().degenerate()) {
            return skip(a, SkipReason.ZERO_AREA_BOX, "box " + a.box() + " has zero width or height");
        }
        if (a.declaredWidth() > 0 && a.declaredHeight() > 0 && a.box().outside(a.declaredWidth(), a.declaredHeight())) {
            return skip(a, SkipReason.BOX_OUTSIDE_IMAGE, "box " + a.box() + " lies outside the declared "
                    + a.declaredWidth() + "x" + a.declaredHeight() + " image");
        }
        if (!byLabel.containsKey(a.label())) {
            return skip(a, SkipReason.UNKNOWN_LABEL, "label '" + a.label() + "' is not in the class list");
        }
        if (!seen.add(a.imagePath() + "|" + a.label() + "|" + a.box())) {
            return skip(a, SkipReason.DUPLICATE_RECORD, "same image, label and box as an earlier record");
        }
        return null;
    }

    private static Skipped skip(Annotation a, SkipReason reason, String detail) {
        return new Skipped(a.id(), a.location(), reason, detail);
    }

    /**
     * Classes from the data. GTSRB: class ids are the indices, 0..max id, named by their id (ids that are not
     * non-negative integers stay unknown). Other formats: the distinct labels, sorted (numerically when all
     * labels are integers), indexed in that order.
     */
    static List<ClassInfo> deriveClasses(List<Annotation> annotations, SourceSpec.Format format) {
        if (format == SourceSpec.Format.GTSRB) {
            int max = -1;
            for (Annotation a : annotations) {
                if (a.label().matches("\\d{1,6}")) {
                    max = Math.max(max, Integer.parseInt(a.label()));
                }
            }
            List<ClassInfo> out = new ArrayList<>();
            for (int i = 0; i <= max; i++) {
                out.add(new ClassInfo(i, Integer.toString(i), Integer.toString(i)));
            }
            return out;
        }
        Set<String> labels = new TreeSet<>();
        annotations.forEach(a -> labels.add(a.label()));
        boolean numeric = labels.stream().allMatch(l -> l.matches("-?\\d{1,9}"));
        List<String> sorted = new ArrayList<>(labels);
        if (numeric) {
            sorted.sort(Comparator.comparingInt(Integer::parseInt));
        }
        List<ClassInfo> out = new ArrayList<>();
        for (String l : sorted) {
            out.add(new ClassInfo(out.size(), l, l));
        }
        return out;
    }

    /** A deterministic number in [0, 1) from a group name and a seed (SplitMix64 finalizer). */
    static double unitHash(String group, long seed) {
        long z = seed * 0x9E3779B97F4A7C15L + group.hashCode() + ((long) group.length() << 32);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (z >>> 11) * 0x1.0p-53;
    }
}
