package io.sparkinception.trainer.evaluation;

import io.sparkinception.common.Json;
import io.sparkinception.trainer.inference.ClassMetrics;
import io.sparkinception.trainer.inference.ConfusedPair;
import io.sparkinception.trainer.inference.CropPolicy;
import io.sparkinception.trainer.inference.DistributedScorer;
import io.sparkinception.trainer.inference.ErrorAgreement;
import io.sparkinception.trainer.inference.EvaluationResult;
import io.sparkinception.trainer.ensemble.MemberWeights;
import io.sparkinception.trainer.inference.ReliabilityBin;

import io.sparkinception.preprocessing.DatasetMetadata;
import io.sparkinception.common.HadoopFiles;
import io.sparkinception.trainer.training.DistributedTrainer;
import io.sparkinception.trainer.training.Example;
import io.sparkinception.trainer.training.MetricsLine;
import io.sparkinception.trainer.training.RoundMetrics;
import io.sparkinception.trainer.training.RunRecords;
import io.sparkinception.trainer.training.ValidationMetrics;
import io.sparkinception.trainer.report.ReportInput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Turns an evaluation's numbers, the members' training records and sample crops into a {@link ReportInput}. */
final class ReportBuilder {
    private ReportBuilder() {
    }

    static ReportInput build(HadoopFiles files, EvaluateConfig cfg, ModelSet models, DatasetMetadata trained,
                             String dataDir, String split, Map<String, EvaluationResult> metrics,
                             DistributedScorer.Outcome outcome, List<ReportInput.ResultRow> table,
                             MemberWeights weights, String sparkVersion) throws IOException {
        DatasetMetadata.Spec spec = trained.spec();
        int nc = trained.classes().size();
        List<String> classNames = new ArrayList<>();
        for (int i = 0; i < nc; i++) {
            classNames.add(Evaluation.name(trained, i));
        }
        CropPolicy detail = cfg.detailPolicy();
        List<String> models2 = new ArrayList<>();
        models2.add(DistributedScorer.ENSEMBLE);
        models.members().forEach(m -> models2.add(m.name()));

        List<ReportInput.ClassRow> perClass = new ArrayList<>();
        List<ReportInput.CalibrationBin> calibration = new ArrayList<>();
        Map<String, Double> ece = new LinkedHashMap<>();
        Map<String, Double> logLoss = new LinkedHashMap<>();
        for (String model : models2) {
            EvaluationResult r = metrics.get(DistributedScorer.key(model, detail));
            for (ClassMetrics c : r.perClass()) {
                perClass.add(new ReportInput.ClassRow(c.classIndex(), classNames.get(c.classIndex()), c.support(),
                        c.errorRate() == null ? Double.NaN : c.errorRate(), model));
            }
            for (ReliabilityBin b : r.reliability()) {
                calibration.add(new ReportInput.CalibrationBin(model, b.index(), b.lower(), b.upper(), b.count(),
                        b.meanConfidence() == null ? Double.NaN : b.meanConfidence(),
                        b.accuracy() == null ? Double.NaN : b.accuracy()));
            }
            ece.put(model, r.expectedCalibrationError());
            logLoss.put(model, r.logLoss());
        }
        EvaluationResult ens = metrics.get(DistributedScorer.key(DistributedScorer.ENSEMBLE, detail));
        List<ReportInput.ConfusionCell> confusion = new ArrayList<>();
        for (int t = 0; t < nc; t++) {
            for (int p = 0; p < nc; p++) {
                if (ens.confusion()[t][p] > 0) {
                    confusion.add(new ReportInput.ConfusionCell(t, p, ens.confusion()[t][p]));
                }
            }
        }
        int c = spec.channels();
        int s = spec.imageSize();
        List<ReportInput.ConfusedPair> pairs = new ArrayList<>();
        for (ConfusedPair p : ens.mostConfused(cfg.confusedPairs())) {
            List<ReportInput.Crop> crops = outcome.misses().stream()
                    .filter(m -> m.label() == p.trueClass() && m.predicted() == p.predictedClass())
                    .limit(cfg.examplesPerPair()).map(m -> new ReportInput.Crop(m.chw(), c, s, s)).toList();
            pairs.add(new ReportInput.ConfusedPair(p.trueClass(), p.predictedClass(), p.count(), crops));
        }
        Map<Integer, List<ReportInput.Crop>> byClass = new LinkedHashMap<>();
        for (Example x : outcome.samples()) {
            List<ReportInput.Crop> l = byClass.computeIfAbsent(x.label(), k -> new ArrayList<>());
            if (l.size() < io.sparkinception.trainer.report.ReportWriter.MAX_SAMPLES) {
                l.add(new ReportInput.Crop(x.chw(), c, s, s));
            }
        }
        List<ReportInput.SampleStrip> samples = new ArrayList<>();
        new java.util.TreeMap<>(byClass).forEach((k, v) -> samples.add(new ReportInput.SampleStrip(k, v)));

        List<ReportInput.Member> members = new ArrayList<>();
        for (ModelSet.Member m : models.members()) {
            members.add(member(files, cfg, m, metrics));
        }
        long[] counts = new long[nc];
        for (ClassMetrics cm : ens.perClass()) {
            counts[cm.classIndex()] = cm.support();
        }
        ReportInput.DataSummary data = new ReportInput.DataSummary(dataDir, split, outcome.examples(), s, spec.mean(),
                spec.std(), counts);
        Map<String, Object> config = new LinkedHashMap<>(com.typesafe.config.ConfigFactory.parseString(cfg.rendered()).root().unwrapped());
        String v = Evaluation.class.getPackage().getImplementationVersion();
        String dl4j = org.deeplearning4j.nn.graph.ComputationGraph.class.getPackage().getImplementationVersion();
        ReportInput.CreatedBy createdBy = new ReportInput.CreatedBy("spark-inception evaluate", v == null ? "dev" : v,
                System.getProperty("java.version"), sparkVersion, dl4j == null ? "1.0.0-M2.1" : dl4j, config);
        String title = String.format(Locale.ROOT, "%s: %d member%s x crops %s on %s/%s", models.ensemble() ? "Ensemble" : "Model",
                models.members().size(), models.members().size() == 1 ? "" : "s",
                cfg.crops().stream().map(CropPolicy::id).toList(), dataDir.substring(dataDir.lastIndexOf('/') + 1), split)
                + (cfg.classPrior() == EvaluateConfig.ClassPrior.UNIFORM ? ", class prior shifted to uniform" : "");
        return new ReportInput(title, classNames, table, perClass, confusion, pairs, members, data,
                ReportInput.Pixels.of(spec), samples, calibration, ece, logLoss, weighting(cfg, models, weights),
                agreement(models, outcome.agreement().result()), createdBy);
    }

    /** The member weights the ensemble's average used, by member name. */
    static ReportInput.MemberWeighting weighting(EvaluateConfig cfg, ModelSet models, MemberWeights weights) {
        Map<String, Double> byName = new LinkedHashMap<>();
        for (int i = 0; i < models.members().size(); i++) {
            byName.put(models.members().get(i).name(), weights.weights().get(i));
        }
        return new ReportInput.MemberWeighting(cfg.memberWeights().id(), weights.method(), byName);
    }

    /** Each member's own top-1 and every pair's error agreement, by member name. */
    static ReportInput.ErrorAgreement agreement(ModelSet models, ErrorAgreement a) {
        List<String> names = models.members().stream().map(ModelSet.Member::name).toList();
        List<ReportInput.MemberAccuracy> members = new ArrayList<>();
        List<ReportInput.PairAgreement> pairs = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            members.add(new ReportInput.MemberAccuracy(names.get(i), a.top1(i)));
            for (int j = i + 1; j < names.size(); j++) {
                pairs.add(new ReportInput.PairAgreement(names.get(i), names.get(j), a.bothWrong()[i][j],
                        a.eitherWrong()[i][j], a.overlap(i, j), a.kappa(i, j)));
            }
        }
        return new ReportInput.ErrorAgreement(a.examples(), members, pairs);
    }

    /** A member as the report shows it: its summary.json fields plus its evaluation errors per crop policy. */
    private static ReportInput.Member member(HadoopFiles files, EvaluateConfig cfg, ModelSet.Member m,
                                             Map<String, EvaluationResult> metrics) throws IOException {
        DistributedTrainer.Summary s = m.summary();
        @SuppressWarnings("unchecked")
        Map<String, Object> shown = new LinkedHashMap<>(Json.mapper().convertValue(s, Map.class));
        for (CropPolicy p : cfg.crops()) {
            EvaluationResult r = metrics.get(DistributedScorer.key(m.name(), p));
            shown.put(String.format(Locale.ROOT, "eval_top1_error_%scrop", p.id()), r.top1Error());
            shown.put(String.format(Locale.ROOT, "eval_top5_error_%scrop", p.id()), r.top5Error());
        }
        return new ReportInput.Member(m.name(), s.family(), s.width(), s.seed(), s.samplingSeed(), s.imageSize(),
                s.epochs(), s.wallSeconds(), Evaluation.hyperparameters(files, m.dir()), shown,
                curve(RunRecords.readMetrics(files, m.dir())));
    }

    /** The learning curve of a member: its round and validation lines (val and eval-data scores, wall time), in order. */
    static List<ReportInput.CurvePoint> curve(List<MetricsLine> lines) {
        List<ReportInput.CurvePoint> out = new ArrayList<>();
        for (MetricsLine line : lines) {
            if (line instanceof RoundMetrics r) {
                out.add(ReportInput.CurvePoint.round(r.round(), r.epoch(), r.loss()));
            } else if (line instanceof ValidationMetrics v) {
                // Accuracy, not error: val_top1 is the validation top-1 accuracy as the trainer writes it.
                out.add(ReportInput.CurvePoint.validation(v.round(), v.epoch(), orNaN(v.valTop1()), orNaN(v.valTop5()),
                        orNaN(v.valLoss()), orNaN(v.testTop1()), orNaN(v.testTop5()), orNaN(v.testLoss()),
                        v.wallSeconds()));
            }
        }
        return out;
    }

    private static double orNaN(Double v) {
        return v == null ? Double.NaN : v;
    }
}
