package io.sparkinception.trainer.report;

import io.sparkinception.trainer.report.ReportInput.ConfusedPair;

/** The file names inside a report directory (the contract with the notebooks and the tests). */
public final class ReportLayout {
    public static final String HTML = "report.html";
    public static final String JSON = "report.json";
    public static final String PER_CLASS_PNG = "per_class_error.png";
    public static final String CONFUSION_PNG = "confusion.png";
    public static final String LEARNING_CURVES_PNG = "learning_curves.png";
    public static final String CALIBRATION_PNG = "calibration.png";
    /** The members × crops chart (top-1 error against cost). */
    public static final String RESULTS_PNG = "results.png";
    /** The members × members heat map of the error overlap (both wrong / either wrong). */
    public static final String ERROR_OVERLAP_PNG = "error_overlap.png";

    private ReportLayout() {
    }

    /** {@code examples/pair_<rank>_<true>_as_<predicted>_<j>.png}: example {@code j} of the pair ranked {@code rank}. */
    public static String example(int rank, ConfusedPair pair, int j) {
        return "examples/pair_" + rank + "_" + pair.trueClass() + "_as_" + pair.predicted() + "_" + j + ".png";
    }

    /** {@code samples/class_<index>.png}: a strip of crops of that class. */
    public static String sample(int classIndex) {
        return "samples/class_" + classIndex + ".png";
    }
}
