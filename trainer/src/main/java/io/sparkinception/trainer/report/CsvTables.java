package io.sparkinception.trainer.report;

import static io.sparkinception.trainer.report.Formats.raw;

import io.sparkinception.common.CsvTable;

import io.sparkinception.trainer.report.ReportInput.CalibrationBin;
import io.sparkinception.trainer.report.ReportInput.ClassRow;
import io.sparkinception.trainer.report.ReportInput.ConfusionCell;
import io.sparkinception.trainer.report.ReportInput.CurvePoint;
import io.sparkinception.trainer.report.ReportInput.Member;
import io.sparkinception.trainer.report.ReportTables.ResultLine;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The report's CSV tables, file name to content. Pure: numbers come from {@link ReportTables}. */
public final class CsvTables {
    private CsvTables() {
    }

    /**
     * {@code results.csv}, {@code per_class.csv}, {@code confusion.csv}, {@code learning_curves.csv},
     * {@code calibration.csv}, {@code error_agreement.csv}.
     */
    public static Map<String, String> render(ReportInput in) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("results.csv", results(ReportTables.results(in.results())));
        files.put("per_class.csv", perClass(in.perClass()));
        files.put("confusion.csv", confusion(in.confusion(), in.classNames().size()));
        files.put("learning_curves.csv", learningCurves(in.members()));
        files.put("calibration.csv", calibration(in.calibration()));
        files.put("error_agreement.csv", errorAgreement(in.errorAgreement()));
        return files;
    }

    static String results(List<ResultLine> lines) {
        CsvTable csv = new CsvTable("members", "crops", "cost", "top1_error", "top5_error", "top1_change_vs_best_single");
        for (ResultLine r : lines) {
            csv.row(r.members(), r.crops(), raw(r.cost()), raw(r.top1Error()), raw(r.top5Error()),
                    raw(r.top1ChangeVsBestSingle()));
        }
        return csv.toString();
    }

    static String perClass(List<ClassRow> rows) {
        CsvTable csv = new CsvTable("class", "name", "support", "error", "model");
        for (ClassRow r : rows) {
            csv.row(r.classIndex(), r.name(), r.support(), raw(r.error()), r.model());
        }
        return csv.toString();
    }

    /** Nonzero cells only, summed per (true, predicted), in row-major order. */
    static String confusion(List<ConfusionCell> cells, int classes) {
        CsvTable csv = new CsvTable("true", "predicted", "count");
        long[][] m = ReportTables.confusionMatrix(cells, classes);
        for (int t = 0; t < classes; t++) {
            for (int p = 0; p < classes; p++) {
                if (m[t][p] != 0) {
                    csv.row(t, p, m[t][p]);
                }
            }
        }
        return csv.toString();
    }

    /**
     * One row per line of each member's metrics; the {@code test_*} scores (on the run's eval-data) and
     * {@code wall_seconds} come after the original columns and are blank where not recorded (round lines).
     */
    static String learningCurves(List<Member> members) {
        CsvTable csv = new CsvTable("member", "type", "round", "epoch", "loss", "val_top1", "val_top5", "val_loss",
                "test_top1", "test_top5", "test_loss", "wall_seconds");
        for (Member m : members) {
            for (CurvePoint p : m.curve()) {
                csv.row(m.name(), p.type(), p.round(), raw(p.epoch()), raw(p.loss()), raw(p.valTop1()),
                        raw(p.valTop5()), raw(p.valLoss()), raw(p.testTop1()), raw(p.testTop5()), raw(p.testLoss()),
                        raw(p.wallSeconds()));
            }
        }
        return csv.toString();
    }

    /** One row per pair of members: their own top-1 accuracies and how their errors coincide. */
    static String errorAgreement(ReportInput.ErrorAgreement a) {
        CsvTable csv = new CsvTable("member_a", "member_b", "top1_a", "top1_b", "both_wrong", "either_wrong",
                "error_overlap", "kappa");
        Map<String, Double> top1 = new LinkedHashMap<>();
        a.members().forEach(m -> top1.put(m.name(), m.top1()));
        for (ReportInput.PairAgreement p : a.pairs()) {
            csv.row(p.memberA(), p.memberB(), raw(top1.getOrDefault(p.memberA(), Double.NaN)),
                    raw(top1.getOrDefault(p.memberB(), Double.NaN)), p.bothWrong(), p.eitherWrong(), raw(p.overlap()),
                    raw(p.kappa()));
        }
        return csv.toString();
    }

    static String calibration(List<CalibrationBin> bins) {
        CsvTable csv = new CsvTable("model", "bin", "lower", "upper", "count", "confidence", "accuracy");
        for (CalibrationBin b : bins) {
            csv.row(b.model(), b.bin(), raw(b.lower()), raw(b.upper()), b.count(), raw(b.confidence()),
                    raw(b.accuracy()));
        }
        return csv.toString();
    }
}
