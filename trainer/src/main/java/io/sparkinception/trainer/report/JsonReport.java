package io.sparkinception.trainer.report;

import io.sparkinception.trainer.report.ReportInput.CalibrationBin;
import io.sparkinception.trainer.report.ReportInput.ClassRow;
import io.sparkinception.trainer.report.ReportInput.ConfusedPair;
import io.sparkinception.trainer.report.ReportInput.CreatedBy;
import io.sparkinception.trainer.report.ReportInput.DataSummary;
import io.sparkinception.trainer.report.ReportInput.Member;
import io.sparkinception.trainer.report.ReportTables.ResultLine;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tree of {@code report.json} (maps and lists in key order; serialize with
 * {@code MetadataIO.mapper()}). Numbers are the same doubles the CSV and HTML renderers format; NaN and infinities
 * become {@code null} (JSON has no NaN).
 */
public final class JsonReport {
    private JsonReport() {
    }

    public static Map<String, Object> render(ReportInput in) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("title", in.title());
        root.put("class_names", in.classNames());
        root.put("results", results(ReportTables.results(in.results())));
        root.put("best_member", ReportTables.bestMember(in.perClass()).orElse(null));
        root.put("per_class", perClass(in.perClass()));
        root.put("members", members(in.members()));
        root.put("data", data(in.data()));
        root.put("calibration", calibration(in.calibration()));
        root.put("calibration_error", numbers(in.calibrationError()));
        root.put("confused_pairs", confusedPairs(in));
        root.put("log_loss", numbers(in.logLoss()));
        root.put("created_by", createdBy(in.createdBy()));
        return root;
    }

    static List<Object> results(List<ResultLine> lines) {
        List<Object> out = new ArrayList<>();
        for (ResultLine r : lines) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("members", r.members());
            m.put("crops", r.crops());
            m.put("cost", num(r.cost()));
            m.put("top1_error", num(r.top1Error()));
            m.put("top5_error", num(r.top5Error()));
            m.put("top1_change_vs_best_single", num(r.top1ChangeVsBestSingle()));
            out.add(m);
        }
        return out;
    }

    static List<Object> perClass(List<ClassRow> rows) {
        List<Object> out = new ArrayList<>();
        for (ClassRow r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("class", r.classIndex());
            m.put("name", r.name());
            m.put("support", r.support());
            m.put("error", num(r.error()));
            m.put("model", r.model());
            out.add(m);
        }
        return out;
    }

    static List<Object> members(List<Member> members) {
        List<Object> out = new ArrayList<>();
        for (Member mem : members) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", mem.name());
            m.put("family", mem.family());
            m.put("width", num(mem.width()));
            m.put("seed", mem.seed());
            m.put("sampling_seed", mem.samplingSeed());
            m.put("image_size", mem.imageSize());
            m.put("epochs", num(mem.epochs()));
            m.put("training_seconds", num(mem.trainingSeconds()));
            m.put("hyperparameters", safe(mem.hyperparameters()));
            m.put("summary", safe(mem.summary()));
            out.add(m);
        }
        return out;
    }

    static Map<String, Object> data(DataSummary d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dataset", d.dataset());
        m.put("split", d.split());
        m.put("examples", d.examples());
        m.put("classes", d.perClassCounts().length);
        m.put("image_size", d.imageSize());
        m.put("mean", d.mean());
        m.put("std", d.std());
        m.put("per_class_counts", d.perClassCounts());
        return m;
    }

    static List<Object> calibration(List<CalibrationBin> bins) {
        List<Object> out = new ArrayList<>();
        for (CalibrationBin b : bins) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", b.model());
            m.put("bin", b.bin());
            m.put("lower", num(b.lower()));
            m.put("upper", num(b.upper()));
            m.put("count", b.count());
            m.put("confidence", num(b.confidence()));
            m.put("accuracy", num(b.accuracy()));
            out.add(m);
        }
        return out;
    }

    static List<Object> confusedPairs(ReportInput in) {
        List<Object> out = new ArrayList<>();
        List<ConfusedPair> pairs = in.confusedPairs();
        for (int rank = 0; rank < pairs.size(); rank++) {
            ConfusedPair p = pairs.get(rank);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("true", p.trueClass());
            m.put("true_name", in.classNames().get(p.trueClass()));
            m.put("predicted", p.predicted());
            m.put("predicted_name", in.classNames().get(p.predicted()));
            m.put("count", p.count());
            List<String> files = new ArrayList<>();
            for (int j = 0; j < p.examples().size(); j++) {
                files.add(ReportLayout.example(rank, p, j));
            }
            m.put("examples", files);
            out.add(m);
        }
        return out;
    }

    static Map<String, Object> createdBy(CreatedBy c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tool", c.tool());
        m.put("version", c.version());
        m.put("java", c.java());
        m.put("spark", c.spark());
        m.put("dl4j", c.dl4j());
        m.put("config", safe(c.config()));
        return m;
    }

    /** Sorted by model name, NaN as null. */
    static Map<String, Object> numbers(Map<String, Double> byModel) {
        Map<String, Object> m = new TreeMap<>();
        byModel.forEach((k, v) -> m.put(k, v == null ? null : num(v)));
        return m;
    }

    static Double num(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** A free-form value with non-finite doubles replaced by null, recursively through maps and lists. */
    static Object safe(Object v) {
        if (v instanceof Double d) {
            return num(d);
        }
        if (v instanceof Float f) {
            return Float.isFinite(f) ? f : null;
        }
        if (v instanceof Map<?, ?> map) {
            Map<String, Object> m = new LinkedHashMap<>();
            map.forEach((k, x) -> m.put(String.valueOf(k), safe(x)));
            return m;
        }
        if (v instanceof List<?> list) {
            List<Object> l = new ArrayList<>();
            list.forEach(x -> l.add(safe(x)));
            return l;
        }
        return v;
    }
}
