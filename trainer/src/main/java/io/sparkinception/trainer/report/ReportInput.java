package io.sparkinception.trainer.report;

import io.sparkinception.preprocessing.DatasetMetadata;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the evaluation report shows, as plain values: fill it from the evaluation job and hand it to
 * {@link ReportWriter#write}. Errors and accuracies are fractions in [0, 1]; "not applicable" numbers are
 * {@code NaN} (blank in CSV, {@code null} in JSON, "–" in HTML).
 *
 * @param title          report title (the HTML heading)
 * @param classNames     class index to display name; every class index in the input must be below its size
 * @param results        the members × crops table (Table 3 of the GoogLeNet paper)
 * @param perClass       per-class error and support, long format: one row per (model, class); model is a member
 *                       name or {@link #ENSEMBLE}
 * @param confusion      nonzero confusion cells of the ensemble
 * @param confusedPairs  most confused (true, predicted) pairs, most frequent first, with example crops
 * @param members        every ensemble member with its hyperparameters and learning curve
 * @param data           what was evaluated
 * @param pixels         how to turn the normalized crops back into RGB
 * @param samples        per class, a few crops from the evaluated data ({@code samples/class_<index>.png})
 * @param calibration    reliability bins per model
 * @param calibrationError expected calibration error per model
 * @param logLoss        mean log loss per model
 * @param memberWeighting how the ensemble's average weighted its members
 * @param errorAgreement each member's own top-1 and how the members' errors coincide (at the detail policy)
 * @param createdBy      provenance
 */
public record ReportInput(String title, List<String> classNames, List<ResultRow> results, List<ClassRow> perClass,
                          List<ConfusionCell> confusion, List<ConfusedPair> confusedPairs, List<Member> members,
                          DataSummary data, Pixels pixels, List<SampleStrip> samples,
                          List<CalibrationBin> calibration, Map<String, Double> calibrationError,
                          Map<String, Double> logLoss, MemberWeighting memberWeighting,
                          ErrorAgreement errorAgreement, CreatedBy createdBy) {

    /** The model name of the ensemble (members averaged) in per-class, calibration and log-loss entries. */
    public static final String ENSEMBLE = "ensemble";

    public ReportInput {
        Objects.requireNonNull(title, "title");
        classNames = List.copyOf(classNames);
        results = List.copyOf(results);
        perClass = List.copyOf(perClass);
        confusion = List.copyOf(confusion);
        confusedPairs = List.copyOf(confusedPairs);
        members = List.copyOf(members);
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(pixels, "pixels");
        samples = List.copyOf(samples);
        calibration = List.copyOf(calibration);
        calibrationError = Map.copyOf(calibrationError);
        logLoss = Map.copyOf(logLoss);
        Objects.requireNonNull(memberWeighting, "memberWeighting");
        Objects.requireNonNull(errorAgreement, "errorAgreement");
        Objects.requireNonNull(createdBy, "createdBy");
        int n = classNames.size();
        for (ClassRow r : perClass) {
            checkClass("per_class row of " + r.model(), r.classIndex(), n);
        }
        for (ConfusionCell c : confusion) {
            checkClass("confusion cell (true)", c.trueClass(), n);
            checkClass("confusion cell (predicted)", c.predicted(), n);
        }
        for (ConfusedPair p : confusedPairs) {
            checkClass("confused pair (true)", p.trueClass(), n);
            checkClass("confused pair (predicted)", p.predicted(), n);
        }
        for (SampleStrip s : samples) {
            checkClass("sample strip", s.classIndex(), n);
        }
        if (data.perClassCounts().length != n) {
            throw new IllegalArgumentException("data.per_class_counts has " + data.perClassCounts().length
                    + " entries for " + n + " class names");
        }
    }

    private static void checkClass(String what, int index, int n) {
        if (index < 0 || index >= n) {
            throw new IllegalArgumentException(what + ": class index " + index + " outside [0, " + n + ")");
        }
    }

    /**
     * One row of the members × crops table.
     *
     * @param members   how many members were averaged (1 = the best single member)
     * @param crops     crops per image: 1, 10 or 144
     * @param cost      forward passes per image (members × crops)
     * @param top1Error top-1 error, a fraction
     * @param top5Error top-5 error, a fraction
     */
    public record ResultRow(int members, int crops, double cost, double top1Error, double top5Error) {
        public ResultRow {
            if (members < 1 || crops < 1) {
                throw new IllegalArgumentException("members and crops must be >= 1, got " + members + " x " + crops);
            }
            checkFraction("top1_error", top1Error);
            checkFraction("top5_error", top5Error);
        }
    }

    /** Error rate of one model on one class: {@code error} = misclassified / {@code support}. */
    public record ClassRow(int classIndex, String name, long support, double error, String model) {
        public ClassRow {
            Objects.requireNonNull(model, "model");
            checkFraction("per-class error", error);
        }
    }

    /** {@code count} examples of class {@code trueClass} predicted as {@code predicted}. */
    public record ConfusionCell(int trueClass, int predicted, long count) {
    }

    /** A frequently confused pair with a few of its misclassified crops. */
    public record ConfusedPair(int trueClass, int predicted, long count, List<Crop> examples) {
        public ConfusedPair {
            examples = List.copyOf(examples);
        }
    }

    /** Up to 8 crops of one class from the evaluated data. */
    public record SampleStrip(int classIndex, List<Crop> crops) {
        public SampleStrip {
            crops = List.copyOf(crops);
        }
    }

    /** A normalized crop as stored in the shards: CHW floats, {@code channels} × {@code height} × {@code width}. */
    public record Crop(float[] chw, int channels, int height, int width) {
        public Crop {
            if (channels != 1 && channels != 3) {
                throw new IllegalArgumentException("crops have 1 or 3 channels, got " + channels);
            }
            if (chw.length != channels * height * width) {
                throw new IllegalArgumentException("crop has " + chw.length + " floats, expected " + channels + "x"
                        + height + "x" + width);
            }
        }
    }

    /**
     * Undoes the preprocessing normalization: {@code pixel = value * scale[c] + mean[c]} (0-255 RGB).
     */
    public record Pixels(double[] mean, double[] scale) {
        public Pixels {
            if (mean.length != scale.length) {
                throw new IllegalArgumentException("mean has " + mean.length + " channels, scale " + scale.length);
            }
            mean = mean.clone();
            scale = scale.clone();
        }

        /** The inverse of the normalization recorded in a preprocessing spec. */
        public static Pixels of(DatasetMetadata.Spec spec) {
            float[] s = spec.scale();
            double[] scale = new double[s.length];
            for (int c = 0; c < s.length; c++) {
                scale[c] = s[c];
            }
            return new Pixels(spec.mean(), scale);
        }
    }

    /**
     * One ensemble member.
     *
     * @param hyperparameters free-form (learning rate, batch size, ...), shown as a table and written to JSON
     * @param summary         free-form training summary (e.g. the fields of {@code summary.json})
     * @param curve           the member's {@code metrics.jsonl}, in order
     */
    public record Member(String name, String family, double width, long seed, long samplingSeed, int imageSize,
                         double epochs, double trainingSeconds, Map<String, Object> hyperparameters,
                         Map<String, Object> summary, List<CurvePoint> curve) {
        public Member {
            Objects.requireNonNull(name, "name");
            hyperparameters = ordered(hyperparameters);
            summary = ordered(summary);
            curve = List.copyOf(curve);
        }
    }

    /**
     * One line of a member's {@code metrics.jsonl}: a training round ({@code type = "round"}, with {@code loss})
     * or a validation ({@code type = "validation"}, with the {@code val_*} scores, the {@code test_*} scores on the
     * run's {@code eval-data} and the wall clock since training started); fields that do not apply or were not
     * recorded are {@code NaN}.
     */
    public record CurvePoint(String type, long round, double epoch, double loss, double valTop1, double valTop5,
                             double valLoss, double testTop1, double testTop5, double testLoss, double wallSeconds) {
        public static final String ROUND = "round";
        public static final String VALIDATION = "validation";

        public CurvePoint {
            if (!ROUND.equals(type) && !VALIDATION.equals(type)) {
                throw new IllegalArgumentException("curve point type must be round or validation, got " + type);
            }
        }

        public static CurvePoint round(long round, double epoch, double loss) {
            return new CurvePoint(ROUND, round, epoch, loss, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    Double.NaN, Double.NaN, Double.NaN);
        }

        /** A validation on the val split only, without wall time. */
        public static CurvePoint validation(long round, double epoch, double top1, double top5, double loss) {
            return validation(round, epoch, top1, top5, loss, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }

        /** A validation with the eval-data ({@code test}) scores and the wall clock, each NaN when not recorded. */
        public static CurvePoint validation(long round, double epoch, double top1, double top5, double loss,
                                            double testTop1, double testTop5, double testLoss, double wallSeconds) {
            return new CurvePoint(VALIDATION, round, epoch, Double.NaN, top1, top5, loss, testTop1, testTop5, testLoss,
                    wallSeconds);
        }
    }

    /**
     * What was evaluated.
     *
     * @param perClassCounts examples per class index
     * @param mean           the training mean (0-255 RGB) the crops were normalized with
     * @param std            the training standard deviation per channel
     */
    public record DataSummary(String dataset, String split, long examples, int imageSize, double[] mean,
                              double[] std, long[] perClassCounts) {
        public DataSummary {
            mean = mean.clone();
            std = std.clone();
            perClassCounts = perClassCounts.clone();
        }
    }

    /**
     * The members' weights in the ensemble's average.
     *
     * @param source  where they come from: {@code manifest} ({@code ensemble.json}) or {@code uniform} (evaluate's
     *                {@code member-weights})
     * @param method  how they were chosen: {@code uniform} or {@code val-loss}
     * @param weights member name to weight (summing to 1), in member order
     */
    public record MemberWeighting(String source, String method, Map<String, Double> weights) {
        public MemberWeighting {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(method, "method");
            weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
        }
    }

    /**
     * How the members' top-1 errors coincide on the evaluated examples.
     *
     * @param examples examples counted
     * @param members  each member's own top-1 accuracy, in member order
     * @param pairs    every pair of members (a before b in member order)
     */
    public record ErrorAgreement(long examples, List<MemberAccuracy> members, List<PairAgreement> pairs) {
        public ErrorAgreement {
            members = List.copyOf(members);
            pairs = List.copyOf(pairs);
        }
    }

    /** A member's own top-1 accuracy (a fraction). */
    public record MemberAccuracy(String name, double top1) {
        public MemberAccuracy {
            checkFraction("member top-1", top1);
        }
    }

    /**
     * The agreement of two members' errors: {@code bothWrong} examples both get wrong, {@code eitherWrong} at least
     * one gets wrong, {@code overlap = bothWrong / eitherWrong} (NaN when neither errs) and Cohen's {@code kappa} of
     * their correctness (NaN when undefined).
     */
    public record PairAgreement(String memberA, String memberB, long bothWrong, long eitherWrong, double overlap,
                                double kappa) {
        public PairAgreement {
            if (bothWrong < 0 || eitherWrong < bothWrong) {
                throw new IllegalArgumentException("pair " + memberA + "/" + memberB + ": both wrong " + bothWrong
                        + " must be in 0..either wrong " + eitherWrong);
            }
            checkFraction("error overlap", overlap);
        }
    }

    /** One reliability bin: {@code count} predictions with confidence in [lower, upper). */
    public record CalibrationBin(String model, int bin, double lower, double upper, long count, double confidence,
                                 double accuracy) {
    }

    /**
     * Provenance.
     *
     * @param config the resolved configuration (e.g. {@code Config.root().unwrapped()})
     */
    public record CreatedBy(String tool, String version, String java, String spark, String dl4j,
                            Map<String, Object> config) {
        public CreatedBy {
            config = ordered(config);
        }
    }

    /** An unmodifiable copy that keeps the caller's order and allows null values (JSON null). */
    static Map<String, Object> ordered(Map<String, Object> m) {
        return m == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    static void checkFraction(String what, double v) {
        if (!Double.isNaN(v) && (v < 0 || v > 1)) {
            throw new IllegalArgumentException(what + " must be a fraction in [0, 1], got " + v);
        }
    }
}
