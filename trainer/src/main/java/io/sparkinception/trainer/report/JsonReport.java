package io.sparkinception.trainer.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.sparkinception.trainer.report.ReportInput.CalibrationBin;
import io.sparkinception.trainer.report.ReportInput.ClassRow;
import io.sparkinception.trainer.report.ReportInput.ConfusedPair;
import io.sparkinception.trainer.report.ReportInput.CreatedBy;
import io.sparkinception.trainer.report.ReportInput.CurvePoint;
import io.sparkinception.trainer.report.ReportInput.DataSummary;
import io.sparkinception.trainer.report.ReportInput.Member;
import io.sparkinception.trainer.report.ReportTables.ResultLine;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * {@code report.json} as records, serialized by {@code Json} (snake_case, fields in declaration order). Numbers are
 * the same doubles the CSV and HTML renderers format; NaN and infinities become {@code null} (JSON has no NaN).
 */
public final class JsonReport {
    private JsonReport() {
    }

    /** The whole file. */
    public record Report(String title, List<String> classNames, List<Result> results, String bestMember,
                         List<PerClass> perClass, List<MemberJson> members, Data data, List<Bin> calibration,
                         Map<String, Double> calibrationError, List<Pair> confusedPairs, Map<String, Double> logLoss,
                         MemberWeights memberWeights, Agreement errorAgreement, Provenance createdBy) {
    }

    /** {@code member_weights}: where the ensemble's member weights come from and their values by member. */
    public record MemberWeights(String source, String method, Map<String, Double> weights) {
    }

    /** {@code error_agreement}: each member's own top-1 and every pair's error agreement. */
    public record Agreement(long examples, List<MemberTop1> members, List<PairJson> pairs) {
    }

    public record MemberTop1(String name, Double top1) {
    }

    public record PairJson(String memberA, String memberB, long bothWrong, long eitherWrong, Double errorOverlap,
                           Double kappa) {
    }

    /** One line of the members × crops table. */
    public record Result(int members, int crops, Double cost, Double top1Error, Double top5Error,
                         Double top1ChangeVsBestSingle) {
    }

    public record PerClass(@JsonProperty("class") int classIndex, String name, long support, Double error, String model) {
    }

    /** A member; {@code validations} are its per-epoch validation lines (val split and eval-data), in order. */
    public record MemberJson(String name, String family, Double width, long seed, long samplingSeed, int imageSize,
                             Double epochs, Double trainingSeconds, Object hyperparameters, Object summary,
                             List<Validation> validations) {
    }

    /** One validation of a member: scores on the val split and on eval-data ({@code test_*}), null when not recorded. */
    public record Validation(long round, Double epoch, Double valTop1, Double valTop5, Double valLoss, Double testTop1,
                             Double testTop5, Double testLoss, Double wallSeconds) {
    }

    public record Data(String dataset, String split, long examples, int classes, int imageSize, double[] mean,
                       double[] std, long[] perClassCounts) {
    }

    public record Bin(String model, int bin, Double lower, Double upper, long count, Double confidence,
                      Double accuracy) {
    }

    /** A confused (true, predicted) pair with the report-relative paths of its example crops. */
    public record Pair(@JsonProperty("true") int trueClass, String trueName, int predicted, String predictedName,
                       long count, List<String> examples) {
    }

    public record Provenance(String tool, String version, String java, String spark, String dl4j, Object config) {
    }

    public static Report render(ReportInput in) {
        return new Report(in.title(), in.classNames(), results(ReportTables.results(in.results())),
                ReportTables.bestMember(in.perClass()).orElse(null), perClass(in.perClass()), members(in.members()),
                data(in.data()), calibration(in.calibration()), numbers(in.calibrationError()), confusedPairs(in),
                numbers(in.logLoss()), memberWeights(in.memberWeighting()), agreement(in.errorAgreement()),
                createdBy(in.createdBy()));
    }

    static MemberWeights memberWeights(ReportInput.MemberWeighting w) {
        Map<String, Double> m = new LinkedHashMap<>();
        w.weights().forEach((k, v) -> m.put(k, num(v)));
        return new MemberWeights(w.source(), w.method(), m);
    }

    static Agreement agreement(ReportInput.ErrorAgreement a) {
        return new Agreement(a.examples(), a.members().stream().map(m -> new MemberTop1(m.name(), num(m.top1()))).toList(),
                a.pairs().stream().map(p -> new PairJson(p.memberA(), p.memberB(), p.bothWrong(), p.eitherWrong(),
                        num(p.overlap()), num(p.kappa()))).toList());
    }

    static List<Result> results(List<ResultLine> lines) {
        return lines.stream().map(r -> new Result(r.members(), r.crops(), num(r.cost()), num(r.top1Error()),
                num(r.top5Error()), num(r.top1ChangeVsBestSingle()))).toList();
    }

    static List<PerClass> perClass(List<ClassRow> rows) {
        return rows.stream().map(r -> new PerClass(r.classIndex(), r.name(), r.support(), num(r.error()), r.model()))
                .toList();
    }

    static List<MemberJson> members(List<Member> members) {
        return members.stream().map(m -> new MemberJson(m.name(), m.family(), num(m.width()), m.seed(),
                m.samplingSeed(), m.imageSize(), num(m.epochs()), num(m.trainingSeconds()), safe(m.hyperparameters()),
                safe(m.summary()), validations(m))).toList();
    }

    static List<Validation> validations(Member m) {
        return m.curve().stream().filter(p -> p.type().equals(CurvePoint.VALIDATION))
                .map(p -> new Validation(p.round(), num(p.epoch()), num(p.valTop1()), num(p.valTop5()),
                        num(p.valLoss()), num(p.testTop1()), num(p.testTop5()), num(p.testLoss()),
                        num(p.wallSeconds()))).toList();
    }

    static Data data(DataSummary d) {
        return new Data(d.dataset(), d.split(), d.examples(), d.perClassCounts().length, d.imageSize(), d.mean(),
                d.std(), d.perClassCounts());
    }

    static List<Bin> calibration(List<CalibrationBin> bins) {
        return bins.stream().map(b -> new Bin(b.model(), b.bin(), num(b.lower()), num(b.upper()), b.count(),
                num(b.confidence()), num(b.accuracy()))).toList();
    }

    static List<Pair> confusedPairs(ReportInput in) {
        List<ConfusedPair> pairs = in.confusedPairs();
        return IntStream.range(0, pairs.size()).mapToObj(rank -> {
            ConfusedPair p = pairs.get(rank);
            List<String> files = IntStream.range(0, p.examples().size())
                    .mapToObj(j -> ReportLayout.example(rank, p, j)).toList();
            return new Pair(p.trueClass(), in.classNames().get(p.trueClass()), p.predicted(),
                    in.classNames().get(p.predicted()), p.count(), files);
        }).toList();
    }

    static Provenance createdBy(CreatedBy c) {
        return new Provenance(c.tool(), c.version(), c.java(), c.spark(), c.dl4j(), safe(c.config()));
    }

    /** Sorted by model name, NaN as null. */
    static Map<String, Double> numbers(Map<String, Double> byModel) {
        Map<String, Double> m = new TreeMap<>();
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
