package io.sparkinception.trainer.report;

import io.sparkinception.trainer.report.ReportInput.ClassRow;
import io.sparkinception.trainer.report.ReportInput.ConfusionCell;
import io.sparkinception.trainer.report.ReportInput.ResultRow;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The numbers of the report, computed once from a {@link ReportInput}: every renderer (JSON, CSV, HTML, charts)
 * reads them from here, so they cannot disagree. Pure functions, no I/O.
 */
public final class ReportTables {

    /**
     * A results row with its relative change in top-1 error against the best single member with one crop
     * ({@code -0.25} = 25 % fewer errors); NaN when there is no such row or its error is zero.
     */
    public record ResultLine(int members, int crops, double cost, double top1Error, double top5Error,
                             double top1ChangeVsBestSingle) {
    }

    private ReportTables() {
    }

    /** The results rows in input order, each with its change against the best single 1-crop model. */
    public static List<ResultLine> results(List<ResultRow> rows) {
        double base = bestSingle(rows).map(ResultRow::top1Error).orElse(Double.NaN);
        List<ResultLine> out = new ArrayList<>();
        for (ResultRow r : rows) {
            double change = base > 0 ? (r.top1Error() - base) / base : Double.NaN;
            out.add(new ResultLine(r.members(), r.crops(), r.cost(), r.top1Error(), r.top5Error(), change));
        }
        return out;
    }

    /** The 1-member, 1-crop row with the lowest top-1 error: the baseline of the change column. */
    public static Optional<ResultRow> bestSingle(List<ResultRow> rows) {
        return rows.stream().filter(r -> r.members() == 1 && r.crops() == 1)
                .min(Comparator.comparingDouble(ResultRow::top1Error));
    }

    /** The models of the per-class rows, the ensemble first, then the others in order of appearance. */
    public static List<String> models(List<ClassRow> perClass) {
        Set<String> names = new LinkedHashSet<>();
        if (perClass.stream().anyMatch(r -> r.model().equals(ReportInput.ENSEMBLE))) {
            names.add(ReportInput.ENSEMBLE);
        }
        perClass.forEach(r -> names.add(r.model()));
        return List.copyOf(names);
    }

    /**
     * The member (not the ensemble) with the lowest overall error, from its per-class rows (errors weighted by
     * support); empty when the per-class rows hold no member.
     */
    public static Optional<String> bestMember(List<ClassRow> perClass) {
        Map<String, double[]> errorsAndSupport = new LinkedHashMap<>();
        for (ClassRow r : perClass) {
            if (!r.model().equals(ReportInput.ENSEMBLE)) {
                double[] acc = errorsAndSupport.computeIfAbsent(r.model(), k -> new double[2]);
                acc[0] += r.error() * r.support();
                acc[1] += r.support();
            }
        }
        return errorsAndSupport.entrySet().stream()
                .min(Comparator.comparingDouble(e -> e.getValue()[1] == 0 ? Double.MAX_VALUE : e.getValue()[0] / e.getValue()[1]))
                .map(Map.Entry::getKey);
    }

    /** Per class index, the error of {@code model}; NaN where the model has no row for that class. */
    public static double[] errors(List<ClassRow> perClass, String model, int classes) {
        double[] e = new double[classes];
        java.util.Arrays.fill(e, Double.NaN);
        for (ClassRow r : perClass) {
            if (r.model().equals(model)) {
                e[r.classIndex()] = r.error();
            }
        }
        return e;
    }

    /** Class indices ordered by descending error of {@code model} (NaN last), ties by index. */
    public static List<Integer> classesByError(List<ClassRow> perClass, String model, int classes) {
        double[] e = errors(perClass, model, classes);
        List<Integer> order = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            order.add(c);
        }
        order.sort(Comparator.<Integer>comparingDouble(c -> Double.isNaN(e[c]) ? Double.NEGATIVE_INFINITY : e[c])
                .reversed().thenComparing(c -> c));
        return order;
    }

    /**
     * The members × members error overlap of an agreement ({@code [a][b]}, symmetric, from its pairs); the diagonal
     * and pairs without errors are NaN.
     */
    public static double[][] overlapMatrix(ReportInput.ErrorAgreement agreement) {
        List<String> names = agreement.members().stream().map(ReportInput.MemberAccuracy::name).toList();
        double[][] m = new double[names.size()][names.size()];
        for (double[] row : m) {
            java.util.Arrays.fill(row, Double.NaN);
        }
        for (ReportInput.PairAgreement p : agreement.pairs()) {
            int a = names.indexOf(p.memberA());
            int b = names.indexOf(p.memberB());
            if (a < 0 || b < 0) {
                throw new IllegalArgumentException("pair " + p.memberA() + "/" + p.memberB() + " names an unknown member");
            }
            m[a][b] = p.overlap();
            m[b][a] = p.overlap();
        }
        return m;
    }

    /** The dense confusion matrix [true][predicted] of the given cells; repeated cells add up. */
    public static long[][] confusionMatrix(List<ConfusionCell> cells, int classes) {
        long[][] m = new long[classes][classes];
        for (ConfusionCell c : cells) {
            m[c.trueClass()][c.predicted()] += c.count();
        }
        return m;
    }
}
