package io.sparkinception.trainer.report;

import io.sparkinception.trainer.report.ReportInput.CalibrationBin;
import io.sparkinception.trainer.report.ReportInput.ClassRow;
import io.sparkinception.trainer.report.ReportInput.ConfusedPair;
import io.sparkinception.trainer.report.ReportInput.ConfusionCell;
import io.sparkinception.trainer.report.ReportInput.CreatedBy;
import io.sparkinception.trainer.report.ReportInput.Crop;
import io.sparkinception.trainer.report.ReportInput.CurvePoint;
import io.sparkinception.trainer.report.ReportInput.DataSummary;
import io.sparkinception.trainer.report.ReportInput.Member;
import io.sparkinception.trainer.report.ReportInput.Pixels;
import io.sparkinception.trainer.report.ReportInput.ResultRow;
import io.sparkinception.trainer.report.ReportInput.SampleStrip;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A hand-built report input: 3 classes (one name full of markup, one with a comma), 2 members, 8 × 8 crops.
 * The per-class errors and the confusion cells are consistent with each other (derived from one confusion matrix).
 */
final class ReportFixtures {
    static final List<String> CLASS_NAMES = List.of("stop", "<script>alert('x')</script> & \"yield\"", "speed, 30");
    /** Ensemble confusion matrix [true][predicted]. */
    static final long[][] CONFUSION = {{40, 3, 2}, {5, 30, 0}, {1, 0, 19}};
    static final double[] MEAN = {120.0, 110.0, 100.0};
    static final double[] STD = {60.0, 55.0, 50.0};

    /** Val-loss weights from the manifest. */
    static final ReportInput.MemberWeighting WEIGHTING = new ReportInput.MemberWeighting("manifest", "val-loss",
            linked("member-1", 0.3, "member-2", 0.7));
    /**
     * 100 examples: member-1 right on 70, member-2 on 75, both wrong on 20, so either wrong on 30 + 25 - 20 = 35,
     * overlap 20/35; both right 65, observed agreement 0.85, expected 0.7 x 0.75 + 0.3 x 0.25 = 0.6, kappa 0.625.
     */
    static final ReportInput.ErrorAgreement AGREEMENT = new ReportInput.ErrorAgreement(100,
            List.of(new ReportInput.MemberAccuracy("member-1", 0.7), new ReportInput.MemberAccuracy("member-2", 0.75)),
            List.of(new ReportInput.PairAgreement("member-1", "member-2", 20, 35, 20 / 35.0, 0.625)));

    private static Map<String, Double> linked(String a, double wa, String b, double wb) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(a, wa);
        m.put(b, wb);
        return m;
    }

    private ReportFixtures() {
    }

    static ReportInput input() {
        int n = CLASS_NAMES.size();
        List<ClassRow> perClass = new ArrayList<>();
        List<ConfusionCell> cells = new ArrayList<>();
        long[] support = new long[n];
        for (int t = 0; t < n; t++) {
            for (int p = 0; p < n; p++) {
                support[t] += CONFUSION[t][p];
                if (CONFUSION[t][p] > 0) {
                    cells.add(new ConfusionCell(t, p, CONFUSION[t][p]));
                }
            }
        }
        for (int c = 0; c < n; c++) {
            double ensembleError = 1.0 - (double) CONFUSION[c][c] / support[c];
            perClass.add(new ClassRow(c, CLASS_NAMES.get(c), support[c], ensembleError, ReportInput.ENSEMBLE));
            perClass.add(new ClassRow(c, CLASS_NAMES.get(c), support[c], Math.min(1, ensembleError + 0.05 * (c + 1)), "member-1"));
            perClass.add(new ClassRow(c, CLASS_NAMES.get(c), support[c], Math.min(1, ensembleError + 0.01 * (c + 1)), "member-2"));
        }
        List<ResultRow> results = List.of(
                new ResultRow(1, 1, 1, 0.21, 0.031),
                new ResultRow(1, 10, 10, 0.1875, 0.025),
                new ResultRow(1, 144, 144, 0.18, 0.02),
                new ResultRow(2, 1, 2, 0.16, 0.0125),
                new ResultRow(2, 10, 20, 0.15, 0.01),
                new ResultRow(2, 144, 288, 0.1433333333333333, 0.0));
        Random rnd = new Random(7);
        List<ConfusedPair> pairs = List.of(
                new ConfusedPair(1, 0, 5, List.of(crop(rnd), crop(rnd))),
                new ConfusedPair(0, 1, 3, List.of(crop(rnd))));
        List<SampleStrip> samples = List.of(
                new SampleStrip(0, List.of(crop(rnd), crop(rnd), crop(rnd))),
                new SampleStrip(1, List.of(crop(rnd))),
                new SampleStrip(2, List.of(crop(rnd), crop(rnd))));
        List<Member> members = List.of(member("member-1", 1.0, 11, 0.9), member("member-2", 1.25, 12, 0.7));
        List<CalibrationBin> bins = new ArrayList<>();
        for (String model : List.of(ReportInput.ENSEMBLE, "member-1")) {
            for (int b = 0; b < 5; b++) {
                double lo = b / 5.0;
                double hi = (b + 1) / 5.0;
                long count = b == 0 ? 0 : 10L * b;
                bins.add(new CalibrationBin(model, b, lo, hi, count, count == 0 ? Double.NaN : lo + 0.1,
                        count == 0 ? Double.NaN : Math.min(1, lo + 0.05 + 0.02 * b)));
            }
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("evaluate", Map.of("crops", List.of(1, 10, 144), "members", "all"));
        return new ReportInput("Evaluation of <tiny> GoogLeNet ensemble", CLASS_NAMES, results, perClass, cells, pairs,
                members, new DataSummary("gtsrb-subset", "test", 100, 8, MEAN, STD, support),
                new Pixels(MEAN, STD), samples, bins, Map.of(ReportInput.ENSEMBLE, 0.031, "member-1", 0.052),
                Map.of(ReportInput.ENSEMBLE, 0.42, "member-1", 0.61, "member-2", 0.55), WEIGHTING, AGREEMENT,
                new CreatedBy("spark-inception", "0.1.0-SNAPSHOT", "17", "4.1.3", "1.0.0-M2.1", config));
    }

    private static Member member(String name, double width, long samplingSeed, double startLoss) {
        List<CurvePoint> curve = new ArrayList<>();
        for (int r = 1; r <= 6; r++) {
            curve.add(CurvePoint.round(r, r * 0.5, startLoss / r));
            if (r % 2 == 0 && width == 1.0) {
                // member-1 was trained with eval-data: its validations carry test scores and the wall clock.
                curve.add(CurvePoint.validation(r, r * 0.5, 0.5 + 0.1 * r / 2, 0.8 + 0.05 * r / 2, startLoss / r + 0.1,
                        0.45 + 0.1 * r / 2, 0.75 + 0.05 * r / 2, startLoss / r + 0.2, 30.0 * r));
            } else if (r % 2 == 0) {
                curve.add(CurvePoint.validation(r, r * 0.5, 0.5 + 0.1 * r / 2, 0.8 + 0.05 * r / 2, startLoss / r + 0.1));
            }
        }
        Map<String, Object> hyper = new LinkedHashMap<>();
        hyper.put("learning_rate", 0.045);
        hyper.put("batch_size", 32);
        hyper.put("optimizer", "sgd <momentum>");
        hyper.put("label_smoothing", null);
        return new Member(name, "googlenet", width, 42, samplingSeed, 8, 3.0, 12.5 * width, hyper,
                Map.of("val_top1", 0.8, "params", 123456L), curve);
    }

    /**
     * {@code count} members trained like the paper's ensemble on a small set: {@code epochs} epochs of
     * {@code roundsPerEpoch} rounds (an epoch of 0.0769 per round for 13), a validation after every epoch, with
     * eval-data (test) scores and the wall clock when {@code evalData}. Losses fall and accuracies rise with some
     * noise, differently per member.
     */
    static List<Member> ensemble(int count, int epochs, int roundsPerEpoch, boolean evalData) {
        Random rnd = new Random(count * 31L + epochs);
        List<Member> out = new ArrayList<>();
        for (int m = 0; m < count; m++) {
            double speed = 0.08 + 0.02 * rnd.nextDouble();
            double ceiling = 0.9 + 0.08 * rnd.nextDouble();
            double secondsPerRound = 5 + 2 * rnd.nextDouble();
            List<CurvePoint> curve = new ArrayList<>();
            int rounds = epochs * roundsPerEpoch;
            for (int r = 1; r <= rounds; r++) {
                double epoch = (double) r / roundsPerEpoch;
                double progress = 1 - Math.exp(-speed * epoch * 4);
                curve.add(CurvePoint.round(r, epoch, 3.7 * (1 - 0.95 * progress) * (1 + 0.08 * rnd.nextGaussian())));
                if (r % roundsPerEpoch == 0) {
                    double top1 = Math.min(1, ceiling * progress * (1 + 0.01 * rnd.nextGaussian()));
                    double test = Math.max(0, top1 - 0.03 - 0.01 * rnd.nextDouble());
                    curve.add(evalData
                            ? CurvePoint.validation(r, epoch, top1, Math.min(1, top1 + 0.05), 3.7 * (1 - progress) + 0.2,
                                    test, Math.min(1, test + 0.05), 3.7 * (1 - progress) + 0.3, r * secondsPerRound * 1.1)
                            : CurvePoint.validation(r, epoch, top1, Math.min(1, top1 + 0.05), 3.7 * (1 - progress) + 0.2));
                }
            }
            out.add(new Member("member-" + (m + 1), "googlenet", m == count - 1 ? 1.25 : 1.0, 42 + m, 11 + m, 48,
                    epochs, rounds * secondsPerRound, Map.of(), Map.of(), curve));
        }
        return out;
    }

    /** A random 3 × 8 × 8 normalized crop, with some values far outside the 0-255 range after denormalizing. */
    static Crop crop(Random rnd) {
        float[] chw = new float[3 * 8 * 8];
        for (int i = 0; i < chw.length; i++) {
            chw[i] = (float) (rnd.nextGaussian() * 1.5);
        }
        return new Crop(chw, 3, 8, 8);
    }
}
