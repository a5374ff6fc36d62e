package io.sparkinception.trainer.report;

import io.sparkinception.trainer.report.ReportInput.CalibrationBin;
import io.sparkinception.trainer.report.ReportInput.ClassRow;
import io.sparkinception.trainer.report.ReportInput.ConfusionCell;
import io.sparkinception.trainer.report.ReportInput.Member;
import io.sparkinception.trainer.report.ReportTables.ResultLine;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The report's charts, drawn by XChart into images (no display needed: {@code java.awt.headless} is set before
 * AWT starts). Each method returns empty when there is nothing to plot.
 */
public final class Charts {
    static {
        Headless.ensure();
    }

    private Charts() {
    }

    /**
     * Per-class error bars of the ensemble and the best member, classes sorted by descending ensemble error
     * (by the first model's error when there is no ensemble), labelled "index name". Classes without examples in
     * the evaluated data (no error) are left out rather than drawn as 0 % error; the legend sits below the plot,
     * where it cannot cover bars.
     */
    public static Optional<BufferedImage> perClassError(List<ClassRow> perClass, List<String> classNames) {
        List<String> models = new ArrayList<>();
        List<String> all = ReportTables.models(perClass);
        if (all.isEmpty()) {
            return Optional.empty();
        }
        models.add(all.get(0));
        ReportTables.bestMember(perClass).filter(m -> !models.contains(m)).ifPresent(models::add);
        int n = classNames.size();
        double[] first = ReportTables.errors(perClass, models.get(0), n);
        List<Integer> order = ReportTables.classesByError(perClass, models.get(0), n).stream()
                .filter(c -> !Double.isNaN(first[c])).toList();
        if (order.isEmpty()) {
            return Optional.empty();
        }
        List<String> labels = new ArrayList<>();
        for (int c : order) {
            labels.add(shorten(c + " " + classNames.get(c), 28));
        }
        int shown = order.size();
        String title = "Per-class top-1 error (sorted by " + models.get(0) + ")"
                + (shown < n ? ", " + (n - shown) + " classes without examples left out" : "");
        CategoryChart chart = new CategoryChartBuilder().width(Math.max(800, 200 + 22 * shown)).height(600)
                .title(title).xAxisTitle("class").yAxisTitle("top-1 error (%)").build();
        chart.getStyler().setXAxisLabelRotation(shown > 8 ? 90 : 0).setLegendPosition(Styler.LegendPosition.OutsideS)
                .setLegendLayout(Styler.LegendLayout.Horizontal).setAntiAlias(true);
        chart.getStyler().setYAxisMin(0.0);
        for (String model : models) {
            double[] e = ReportTables.errors(perClass, model, n);
            List<Double> y = new ArrayList<>();
            for (int c : order) {
                y.add(Double.isNaN(e[c]) ? 0.0 : 100 * e[c]);
            }
            chart.addSeries(model.equals(models.get(0)) ? model : model + " (best member)", labels, y);
        }
        return Optional.of(BitmapEncoder.getBufferedImage(chart));
    }

    /**
     * The ensemble's confusion matrix as a heat map: each cell is the share (%) of the true class (row) predicted
     * as the column's class, so rows of rare and frequent classes read alike.
     */
    public static Optional<BufferedImage> confusion(List<ConfusionCell> cells, int classes) {
        if (cells.isEmpty()) {
            return Optional.empty();
        }
        long[][] m = ReportTables.confusionMatrix(cells, classes);
        List<Integer> predicted = new ArrayList<>();
        List<Integer> truth = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            predicted.add(c);
            truth.add(classes - 1 - c); // class 0 on the top row
        }
        List<Number[]> heat = new ArrayList<>();
        for (int t = 0; t < classes; t++) {
            long total = 0;
            for (long v : m[t]) {
                total += v;
            }
            for (int p = 0; p < classes; p++) {
                double share = total == 0 ? 0 : 100.0 * m[t][p] / total;
                heat.add(new Number[] {p, classes - 1 - t, share});
            }
        }
        int side = Math.max(520, 160 + 16 * classes);
        HeatMapChart chart = new HeatMapChartBuilder().width(side + 140).height(side)
                .title("Confusion matrix of the ensemble (% of the true class)").xAxisTitle("predicted class")
                .yAxisTitle("true class").build();
        chart.getStyler().setMin(0).setMax(100).setShowValue(classes <= 12).setHeatMapValueDecimalPattern("0")
                .setRangeColors(new Color[] {Color.WHITE, new Color(0x9ecae1), new Color(0x08306b)});
        chart.getStyler().setXAxisLabelRotation(classes > 20 ? 90 : 0);
        chart.getStyler().setPlotContentSize(1.0);
        chart.addSeries("share of true class (%)", predicted, truth, heat);
        return Optional.of(BitmapEncoder.getBufferedImage(chart));
    }

    /**
     * The members × members error overlap as a heat map: cell (a, b) is the share (%) of the examples either member
     * gets wrong that both get wrong; the diagonal is left blank. Empty with fewer than two members.
     */
    public static Optional<BufferedImage> errorOverlap(ReportInput.ErrorAgreement agreement) {
        int n = agreement.members().size();
        if (n < 2) {
            return Optional.empty();
        }
        double[][] m = ReportTables.overlapMatrix(agreement);
        List<String> names = agreement.members().stream().map(ReportInput.MemberAccuracy::name).toList();
        List<String> rows = new ArrayList<>(names);
        java.util.Collections.reverse(rows); // the first member on the top row
        List<Number[]> heat = new ArrayList<>();
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                if (a != b && Double.isFinite(m[a][b])) {
                    heat.add(new Number[] {b, n - 1 - a, 100 * m[a][b]});
                }
            }
        }
        int side = Math.max(460, 200 + 48 * n);
        HeatMapChart chart = new HeatMapChartBuilder().width(side + 140).height(side)
                .title("Error overlap of member pairs (% both wrong of either wrong)").xAxisTitle("member")
                .yAxisTitle("member").build();
        chart.getStyler().setMin(0).setMax(100).setShowValue(n <= 12).setHeatMapValueDecimalPattern("0")
                .setRangeColors(new Color[] {Color.WHITE, new Color(0xfdae6b), new Color(0x7f2704)});
        chart.getStyler().setXAxisLabelRotation(n > 6 ? 90 : 0);
        chart.getStyler().setPlotContentSize(1.0);
        chart.addSeries("error overlap (%)", names, rows, heat);
        return Optional.of(BitmapEncoder.getBufferedImage(chart));
    }

    /** {@code learning_curves.png}: see {@link LearningCurvesChart}. */
    public static Optional<BufferedImage> learningCurves(List<Member> members) {
        return LearningCurvesChart.draw(members);
    }

    /** Reliability diagram: accuracy against mean confidence of each non-empty bin, per model, and the diagonal. */
    public static Optional<BufferedImage> calibration(List<CalibrationBin> bins, Map<String, Double> ece) {
        Map<String, List<CalibrationBin>> byModel = new TreeMap<>(Comparator
                .comparing((String s) -> !s.equals(ReportInput.ENSEMBLE)).thenComparing(s -> s));
        for (CalibrationBin b : bins) {
            if (b.count() > 0 && Double.isFinite(b.confidence()) && Double.isFinite(b.accuracy())) {
                byModel.computeIfAbsent(b.model(), k -> new ArrayList<>()).add(b);
            }
        }
        if (byModel.isEmpty()) {
            return Optional.empty();
        }
        XYChart chart = new XYChartBuilder().width(640).height(640).title("Calibration (reliability diagram)")
                .xAxisTitle("mean confidence of the bin").yAxisTitle("accuracy of the bin").build();
        chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0)
                .setLegendPosition(Styler.LegendPosition.OutsideS).setLegendLayout(Styler.LegendLayout.Vertical)
                .setAntiAlias(true);
        chart.getStyler().setXAxisDecimalPattern("0.0#").setYAxisDecimalPattern("0.0#");
        XYSeries diagonal = chart.addSeries("perfectly calibrated", new double[] {0, 1}, new double[] {0, 1});
        diagonal.setMarker(SeriesMarkers.NONE).setLineColor(Color.GRAY);
        byModel.forEach((model, list) -> {
            list.sort(Comparator.comparingInt(CalibrationBin::bin));
            Double e = ece.get(model);
            String name = model + (e == null || e.isNaN() ? "" : String.format(java.util.Locale.ROOT, " (ECE %.4f)", e));
            chart.addSeries(name, list.stream().map(CalibrationBin::confidence).toList(),
                    list.stream().map(CalibrationBin::accuracy).toList()).setMarker(SeriesMarkers.CIRCLE);
        });
        return Optional.of(BitmapEncoder.getBufferedImage(chart));
    }

    /** The members × crops table: top-1 error against cost (forward passes per image, on a log scale when they span more than a decade), one line per member count. */
    public static Optional<BufferedImage> results(List<ResultLine> lines) {
        Map<Integer, List<ResultLine>> byMembers = new TreeMap<>();
        for (ResultLine r : lines) {
            if (Double.isFinite(r.top1Error()) && r.cost() > 0) {
                byMembers.computeIfAbsent(r.members(), k -> new ArrayList<>()).add(r);
            }
        }
        if (byMembers.isEmpty()) {
            return Optional.empty();
        }
        XYChart chart = new XYChartBuilder().width(640).height(480).title("Top-1 error against cost")
                .xAxisTitle("forward passes per image").yAxisTitle("top-1 error (%)").build();
        // The legend goes below the plot: inside it covered the 1-crop points of the larger ensembles.
        // A log axis only when costs span more than a decade: XChart labels only the powers of 10 on it, so the
        // 3-member or 10-crop points of a small table would stand at unlabelled positions.
        double[] range = lines.stream().filter(r -> r.cost() > 0).mapToDouble(ResultLine::cost).sorted().toArray();
        boolean log = range.length > 0 && range[range.length - 1] / range[0] > 10;
        chart.setXAxisTitle(log ? "forward passes per image (log scale)" : "forward passes per image");
        chart.getStyler().setXAxisLogarithmic(log).setLegendPosition(Styler.LegendPosition.OutsideS)
                .setLegendLayout(Styler.LegendLayout.Vertical).setAntiAlias(true);
        chart.getStyler().setXAxisDecimalPattern("0.#").setYAxisDecimalPattern("0.#");
        chart.getStyler().setMarkerSize(9);
        byMembers.forEach((members, list) -> {
            list.sort(Comparator.comparingDouble(ResultLine::cost));
            String crops = String.join(", ", list.stream().map(r -> Integer.toString(r.crops())).toList());
            String cropWord = list.size() == 1 && list.get(0).crops() == 1 ? " crop)" : " crops)";
            chart.addSeries(members + (members == 1 ? " member" : " members") + " (" + crops + cropWord,
                    list.stream().map(ResultLine::cost).toList(),
                    list.stream().map(r -> 100 * r.top1Error()).toList()).setMarker(SeriesMarkers.CIRCLE);
        });
        return Optional.of(BitmapEncoder.getBufferedImage(chart));
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
