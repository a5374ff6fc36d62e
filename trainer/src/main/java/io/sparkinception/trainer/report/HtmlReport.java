package io.sparkinception.trainer.report;

import static io.sparkinception.trainer.report.Formats.fixed;
import static io.sparkinception.trainer.report.Formats.percent;
import static io.sparkinception.trainer.report.Formats.raw;
import static io.sparkinception.trainer.report.Formats.signedPercent;

import io.sparkinception.common.Json;
import io.sparkinception.trainer.report.ReportInput.ClassRow;
import io.sparkinception.trainer.report.ReportInput.ConfusedPair;
import io.sparkinception.trainer.report.ReportInput.CreatedBy;
import io.sparkinception.trainer.report.ReportInput.DataSummary;
import io.sparkinception.trainer.report.ReportInput.Member;
import io.sparkinception.trainer.report.ReportTables.ResultLine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code report.html}: one self-contained page (styles inline, every image a data: URI). Pure: takes the input
 * and the PNG bytes by report-relative path ({@link ReportLayout}); numbers come from {@link ReportTables} and are
 * formatted by {@link Formats} (errors as percentages with two decimals).
 */
public final class HtmlReport {
    private static final String STYLE = """
            body{font-family:sans-serif;margin:2em;max-width:1400px;color:#222}
            table{border-collapse:collapse;margin:0.5em 0 1.5em}
            th,td{border:1px solid #bbb;padding:3px 8px;text-align:right;vertical-align:middle}
            th{background:#eee;text-align:center} td.text{text-align:left}
            img.chart{max-width:100%;display:block;margin:0.5em 0 1.5em}
            img.crop{margin-right:4px;image-rendering:pixelated}
            pre{background:#f6f6f6;padding:0.5em;overflow:auto;max-height:30em}
            """;

    private HtmlReport() {
    }

    /**
     * @param images PNG bytes by report-relative path: the charts that could be drawn, the example crops and the
     *               sample strips
     */
    public static String render(ReportInput in, Map<String, byte[]> images) {
        List<ResultLine> results = ReportTables.results(in.results());
        Html h = new Html();
        h.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").text(in.title())
                .raw("</title>\n<style>\n").raw(STYLE).raw("</style>\n</head>\n<body>\n");
        h.element("h1", in.title());
        h.raw("<p id=\"summary\">").text(summary(in, results)).raw("</p>\n");

        h.element("h2", "Members × crops (GoogLeNet Table 3)");
        resultsTable(h, results);
        chart(h, images, ReportLayout.RESULTS_PNG, "top-1 error against cost");
        modelMetrics(h, in);

        h.element("h2", "Members' errors (diversity)");
        membersAndWeights(h, in);
        errorAgreement(h, in.errorAgreement(), images);

        h.element("h2", "Per-class error");
        chart(h, images, ReportLayout.PER_CLASS_PNG, "per-class error bars");
        perClassTable(h, in);

        h.element("h2", "Confusion");
        chart(h, images, ReportLayout.CONFUSION_PNG, "confusion matrix heat map");
        confusedPairs(h, in, images);

        h.element("h2", "Learning curves");
        chart(h, images, ReportLayout.LEARNING_CURVES_PNG, "learning curves");

        h.element("h2", "Calibration");
        chart(h, images, ReportLayout.CALIBRATION_PNG, "reliability diagram");

        h.element("h2", "Members");
        membersTable(h, in.members());
        h.element("h3", "Hyperparameters");
        keyValueTable(h, "hyperparameters", in.members(), Member::hyperparameters);
        h.element("h3", "Training summaries");
        keyValueTable(h, "member-summaries", in.members(), Member::summary);

        h.element("h2", "Data");
        dataTable(h, in.data());
        classCounts(h, in, images);

        h.element("h2", "Provenance");
        createdBy(h, in.createdBy());
        h.raw("</body>\n</html>\n");
        return h.toString();
    }

    /** One sentence: the best row of the table, the best single model and the change, the data evaluated. */
    static String summary(ReportInput in, List<ResultLine> results) {
        DataSummary d = in.data();
        String data = d.examples() + " " + d.split() + " examples of " + d.dataset() + ", " + in.classNames().size()
                + " classes, " + d.imageSize() + " px";
        Optional<ResultLine> best = results.stream().min(Comparator.comparingDouble(ResultLine::top1Error));
        if (best.isEmpty()) {
            return "No results; " + data + ".";
        }
        ResultLine b = best.get();
        String s = "Best: " + b.members() + (b.members() == 1 ? " member" : " members") + " × " + b.crops()
                + (b.crops() == 1 ? " crop" : " crops") + ", top-1 error " + percent(b.top1Error()) + ", top-5 error "
                + percent(b.top5Error());
        Optional<ReportInput.ResultRow> single = ReportTables.bestSingle(in.results());
        if (single.isPresent()) {
            s += " (best single member with 1 crop: " + percent(single.get().top1Error()) + ", change "
                    + signedPercent(b.top1ChangeVsBestSingle()) + ")";
        }
        return s + "; " + data + ".";
    }

    private static void resultsTable(Html h, List<ResultLine> results) {
        h.raw("<table id=\"results\">\n<thead>");
        h.row("th", "members", "crops", "cost (forward passes per image)", "top-1 error", "top-5 error",
                "top-1 change vs best single, 1 crop");
        h.raw("</thead>\n<tbody>\n");
        for (ResultLine r : results) {
            h.row("td", Integer.toString(r.members()), Integer.toString(r.crops()), raw(r.cost()),
                    percent(r.top1Error()), percent(r.top5Error()), signedPercent(r.top1ChangeVsBestSingle()));
        }
        h.raw("</tbody>\n</table>\n");
    }

    private static void modelMetrics(Html h, ReportInput in) {
        Set<String> models = new TreeSet<>(Comparator.comparing((String s) -> !s.equals(ReportInput.ENSEMBLE))
                .thenComparing(s -> s));
        models.addAll(in.logLoss().keySet());
        models.addAll(in.calibrationError().keySet());
        if (models.isEmpty()) {
            return;
        }
        h.raw("<table id=\"model-metrics\">\n<thead>");
        h.row("th", "model", "log loss", "expected calibration error");
        h.raw("</thead>\n<tbody>\n");
        for (String m : models) {
            h.raw("<tr><td class=\"text\">").text(m).raw("</td><td>")
                    .text(fixed(in.logLoss().getOrDefault(m, Double.NaN), 4)).raw("</td><td>")
                    .text(fixed(in.calibrationError().getOrDefault(m, Double.NaN), 4)).raw("</td></tr>\n");
        }
        h.raw("</tbody>\n</table>\n");
    }

    /** The weighting of the ensemble's average in one sentence, then each member's weight and own top-1. */
    private static void membersAndWeights(Html h, ReportInput in) {
        ReportInput.MemberWeighting w = in.memberWeighting();
        String how = w.method().equals("uniform") ? "equal weights" : w.method() + " weights";
        h.raw("<p id=\"member-weighting\">").text("The ensemble averages its members' softmax outputs with " + how
                + (w.source().equals("manifest") ? " (as ensemble.json records them)" : " (evaluate --member-weights uniform)")
                + ".").raw("</p>\n");
        h.raw("<table id=\"member-top1\">\n<thead>");
        h.row("th", "member", "weight", "top-1 accuracy", "top-1 error");
        h.raw("</thead>\n<tbody>\n");
        for (ReportInput.MemberAccuracy m : in.errorAgreement().members()) {
            h.row("td", m.name(), fixed(w.weights().getOrDefault(m.name(), Double.NaN), 3), percent(m.top1()),
                    percent(1 - m.top1()));
        }
        h.raw("</tbody>\n</table>\n");
    }

    private static void errorAgreement(Html h, ReportInput.ErrorAgreement a, Map<String, byte[]> images) {
        if (a.pairs().isEmpty()) {
            h.element("p", "One model: there are no pairs of members to compare.");
            return;
        }
        h.raw("<p id=\"error-agreement-help\">").text("How to read it: for two members, the error overlap is the"
                + " share of the examples at least one of them gets wrong that both get wrong, and kappa is Cohen's kappa"
                + " of their right/wrong answers; low overlap (and low kappa) means they err on different examples,"
                + " diversity the ensemble's average can use, while high overlap means they fail together and averaging"
                + " them helps little.").raw("</p>\n");
        chart(h, images, ReportLayout.ERROR_OVERLAP_PNG, "error overlap heat map");
        h.raw("<table id=\"error-agreement\">\n<thead>");
        h.row("th", "member a", "member b", "both wrong", "either wrong", "error overlap", "kappa");
        h.raw("</thead>\n<tbody>\n");
        for (ReportInput.PairAgreement p : a.pairs()) {
            h.row("td", p.memberA(), p.memberB(), Long.toString(p.bothWrong()), Long.toString(p.eitherWrong()),
                    percent(p.overlap()), fixed(p.kappa(), 3));
        }
        h.raw("</tbody>\n</table>\n");
    }

    private static void perClassTable(Html h, ReportInput in) {
        List<String> models = ReportTables.models(in.perClass());
        if (models.isEmpty()) {
            h.element("p", "No per-class results.");
            return;
        }
        int n = in.classNames().size();
        long[] support = new long[n];
        Arrays.fill(support, -1);
        for (ClassRow r : in.perClass()) {
            if (r.model().equals(models.get(0))) {
                support[r.classIndex()] = r.support();
            }
        }
        List<double[]> errors = models.stream().map(m -> ReportTables.errors(in.perClass(), m, n)).toList();
        h.raw("<table id=\"per-class\">\n<thead><tr><th>class</th><th class=\"text\">name</th><th>support</th>");
        for (String m : models) {
            h.raw("<th>").text(m + " error").raw("</th>");
        }
        h.raw("</tr></thead>\n<tbody>\n");
        for (int c : ReportTables.classesByError(in.perClass(), models.get(0), n)) {
            h.raw("<tr><td>").text(Integer.toString(c)).raw("</td><td class=\"text\">").text(in.classNames().get(c))
                    .raw("</td><td>").text(support[c] < 0 ? Formats.MISSING : Long.toString(support[c])).raw("</td>");
            for (double[] e : errors) {
                h.raw("<td>").text(percent(e[c])).raw("</td>");
            }
            h.raw("</tr>\n");
        }
        h.raw("</tbody>\n</table>\n");
    }

    private static void confusedPairs(Html h, ReportInput in, Map<String, byte[]> images) {
        h.element("h3", "Most confused pairs (ensemble)");
        if (in.confusedPairs().isEmpty()) {
            h.element("p", "No confused pairs.");
            return;
        }
        h.raw("<table id=\"confused-pairs\">\n<thead>");
        h.row("th", "true class", "predicted as", "count", "examples");
        h.raw("</thead>\n<tbody>\n");
        for (int rank = 0; rank < in.confusedPairs().size(); rank++) {
            ConfusedPair p = in.confusedPairs().get(rank);
            h.raw("<tr><td class=\"text\">").text(p.trueClass() + " " + in.classNames().get(p.trueClass()))
                    .raw("</td><td class=\"text\">").text(p.predicted() + " " + in.classNames().get(p.predicted()))
                    .raw("</td><td>").text(Long.toString(p.count())).raw("</td><td class=\"text\">");
            for (int j = 0; j < p.examples().size(); j++) {
                String path = ReportLayout.example(rank, p, j);
                h.image(images.get(path), in.classNames().get(p.trueClass()) + " predicted as "
                        + in.classNames().get(p.predicted()), "crop");
            }
            h.raw("</td></tr>\n");
        }
        h.raw("</tbody>\n</table>\n");
    }

    private static void membersTable(Html h, List<Member> members) {
        h.raw("<table id=\"members\">\n<thead>");
        h.row("th", "member", "family", "width", "seed", "sampling seed", "image size", "epochs", "training time (s)");
        h.raw("</thead>\n<tbody>\n");
        for (Member m : members) {
            h.row("td", m.name(), m.family(), raw(m.width()), Long.toString(m.seed()), Long.toString(m.samplingSeed()),
                    Integer.toString(m.imageSize()), raw(m.epochs()), fixed(m.trainingSeconds(), 1));
        }
        h.raw("</tbody>\n</table>\n");
    }

    /** Keys (union, first-seen order) as rows, members as columns. */
    private static void keyValueTable(Html h, String id, List<Member> members,
                                      Function<Member, Map<String, Object>> values) {
        Set<String> keys = new LinkedHashSet<>();
        members.forEach(m -> keys.addAll(values.apply(m).keySet()));
        if (keys.isEmpty()) {
            h.element("p", "None recorded.");
            return;
        }
        h.raw("<table id=\"" + id + "\">\n<thead><tr><th class=\"text\">key</th>");
        for (Member m : members) {
            h.raw("<th>").text(m.name()).raw("</th>");
        }
        h.raw("</tr></thead>\n<tbody>\n");
        for (String k : keys) {
            h.raw("<tr><td class=\"text\">").text(k).raw("</td>");
            for (Member m : members) {
                Map<String, Object> v = values.apply(m);
                h.raw("<td>").text(v.containsKey(k) ? Formats.value(v.get(k)) : Formats.MISSING).raw("</td>");
            }
            h.raw("</tr>\n");
        }
        h.raw("</tbody>\n</table>\n");
    }

    private static void dataTable(Html h, DataSummary d) {
        h.raw("<table id=\"data\">\n<tbody>\n");
        h.raw("<tr><th class=\"text\">dataset</th><td class=\"text\">").text(d.dataset()).raw("</td></tr>\n");
        h.raw("<tr><th class=\"text\">split</th><td class=\"text\">").text(d.split()).raw("</td></tr>\n");
        h.raw("<tr><th class=\"text\">examples</th><td>").text(Long.toString(d.examples())).raw("</td></tr>\n");
        h.raw("<tr><th class=\"text\">classes</th><td>").text(Integer.toString(d.perClassCounts().length)).raw("</td></tr>\n");
        h.raw("<tr><th class=\"text\">image size</th><td>").text(d.imageSize() + " px").raw("</td></tr>\n");
        h.raw("<tr><th class=\"text\">mean (RGB)</th><td>").text(list(d.mean())).raw("</td></tr>\n");
        h.raw("<tr><th class=\"text\">std (RGB)</th><td>").text(list(d.std())).raw("</td></tr>\n");
        h.raw("</tbody>\n</table>\n");
    }

    private static void classCounts(Html h, ReportInput in, Map<String, byte[]> images) {
        h.raw("<table id=\"class-counts\">\n<thead>");
        h.row("th", "class", "name", "examples", "samples");
        h.raw("</thead>\n<tbody>\n");
        long[] counts = in.data().perClassCounts();
        for (int c = 0; c < counts.length; c++) {
            h.raw("<tr><td>").text(Integer.toString(c)).raw("</td><td class=\"text\">").text(in.classNames().get(c))
                    .raw("</td><td>").text(Long.toString(counts[c])).raw("</td><td class=\"text\">");
            byte[] strip = images.get(ReportLayout.sample(c));
            if (strip != null) {
                h.image(strip, "samples of " + in.classNames().get(c), "crop");
            }
            h.raw("</td></tr>\n");
        }
        h.raw("</tbody>\n</table>\n");
    }

    private static void createdBy(Html h, CreatedBy c) {
        h.raw("<table id=\"created-by\">\n<tbody>\n");
        for (String[] kv : new String[][] {{"tool", c.tool()}, {"version", c.version()}, {"java", c.java()},
                {"spark", c.spark()}, {"dl4j", c.dl4j()}}) {
            h.raw("<tr><th class=\"text\">").text(kv[0]).raw("</th><td class=\"text\">").text(kv[1]).raw("</td></tr>\n");
        }
        h.raw("</tbody>\n</table>\n");
        if (!c.config().isEmpty()) {
            h.element("h3", "Configuration");
            h.raw("<pre>").text(Json.toJson(JsonReport.safe(c.config()))).raw("</pre>\n");
        }
    }

    private static void chart(Html h, Map<String, byte[]> images, String path, String alt) {
        byte[] png = images.get(path);
        if (png == null) {
            h.element("p", "No data for the " + alt + ".");
        } else {
            h.image(png, alt, "chart");
        }
    }

    private static String list(double[] v) {
        List<String> s = new ArrayList<>();
        for (double x : v) {
            s.add(fixed(x, 2));
        }
        return s.stream().collect(Collectors.joining(", "));
    }
}
