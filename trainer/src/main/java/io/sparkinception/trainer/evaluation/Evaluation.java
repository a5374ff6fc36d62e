package io.sparkinception.trainer.evaluation;

import io.sparkinception.trainer.inference.CropPolicy;
import io.sparkinception.trainer.inference.DistributedScorer;
import io.sparkinception.trainer.inference.EvaluationResult;
import io.sparkinception.trainer.inference.PriorShift;
import io.sparkinception.trainer.inference.ScorerSettings;
import io.sparkinception.trainer.ensemble.MemberWeights;

import com.typesafe.config.ConfigFactory;
import io.sparkinception.preprocessing.DatasetMetadata;
import io.sparkinception.preprocessing.MetadataIO;
import io.sparkinception.preprocessing.PreprocessConfig;
import io.sparkinception.preprocessing.annotations.SourceSpec;
import io.sparkinception.preprocessing.annotations.Split;
import io.sparkinception.common.HadoopFiles;
import io.sparkinception.common.CsvTable;
import io.sparkinception.preprocessing.spark.PreprocessPipeline;
import io.sparkinception.preprocessing.spark.ProgressMonitor;
import io.sparkinception.trainer.training.EvalData;
import io.sparkinception.trainer.training.Example;
import io.sparkinception.trainer.training.TrainingData;
import io.sparkinception.common.OutputDirectory;
import io.sparkinception.common.OutputSwap;
import io.sparkinception.trainer.report.ReportInput;
import io.sparkinception.trainer.report.ReportWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * The {@code evaluate} run: resolves the models and the data (preprocessing raw images with the models' recorded
 * spec when given), scores members x crop policies on the executors ({@link DistributedScorer}), and writes the
 * report ({@link ReportWriter}) plus {@code predictions.csv} and {@code cost.csv}.
 */
public final class Evaluation {
    private Evaluation() {
    }

    /** What a run computed, for callers and tests. */
    public record Result(Path report, List<ReportInput.ResultRow> table, Map<String, EvaluationResult> metrics,
                         List<DistributedScorer.ScoredExample> predictions, String bestMember, long examples) {
    }

    public static Result run(SparkSession spark, EvaluateConfig cfg, PrintStream log) throws IOException {
        HadoopFiles files = HadoopFiles.of(spark.sparkContext().hadoopConfiguration());
        return run(spark, cfg, ModelSet.load(files, files.qualifyDir(cfg.model()), cfg.members(), cfg.weights()), log);
    }

    /** {@link #run(SparkSession, EvaluateConfig, PrintStream)} with the models already loaded and validated (the job's preflight). */
    public static Result run(SparkSession spark, EvaluateConfig cfg, ModelSet models, PrintStream log) throws IOException {
        long start = System.nanoTime();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        HadoopFiles files = HadoopFiles.of(spark.sparkContext().hadoopConfiguration());
        Path finalReport = checkReport(cfg);
        HadoopFiles local = HadoopFiles.local();
        // Written next to the report and swapped in only when complete: a failing rerun leaves the old report.
        try (OutputSwap staging = OutputSwap.entries(local, uri(finalReport), List.of())) {
            Path report = Path.of(java.net.URI.create(staging.dir()));
            Result r = run(spark, cfg, log, jsc, files, models, report, finalReport, start);
            staging.commit();
            log.printf(Locale.ROOT, "evaluate: report %s%n", finalReport.resolve("report.html"));
            return r;
        }
    }

    private static Result run(SparkSession spark, EvaluateConfig cfg, PrintStream log, JavaSparkContext jsc, HadoopFiles files,
                              ModelSet models, Path report, Path finalReport, long start) throws IOException {
        DatasetMetadata trained = models.metadata();
        log.printf(Locale.ROOT, "evaluate: %d model(s) from %s (%s weights); crops %s%n", models.members().size(),
                models.root(), cfg.weights().name().toLowerCase(Locale.ROOT), cfg.crops().stream().map(CropPolicy::id).toList());

        String dataDir;
        String shownDataDir = null;
        if (cfg.rawInput()) {
            dataDir = report.resolve("preprocessed").toUri().toString();
            shownDataDir = finalReport.resolve("preprocessed").toUri().toString();
            String spec = models.members().get(0).dir() + "/metadata.json";
            log.println("evaluate: preprocessing " + cfg.input() + " with the models' spec (" + spec + ") -> " + dataDir);
            SourceSpec source = new SourceSpec(SourceSpec.Format.of(cfg.format()), cfg.input(), cfg.imagesRoot(),
                    cfg.classNames(), null, true);
            PreprocessPipeline.Result r = PreprocessPipeline.run(spark, PreprocessConfig.builder(source, dataDir)
                    .reuseSpec(spec).seed(0).split(Split.TEST).progressSeconds(30).overwrite(true).build(), log);
            log.print(PreprocessPipeline.summaryTable(r));
        } else {
            dataDir = files.qualifyDir(cfg.data());
        }
        DatasetMetadata data = MetadataIO.read(files, dataDir);
        EvalData.requireCompatible(trained, data, dataDir);
        String split = cfg.split().isEmpty() ? firstSplit(files, dataDir) : cfg.split();
        if (!files.exists(dataDir + "/" + split)) {
            throw new IllegalArgumentException(dataDir + " has no " + split + "/ split");
        }
        DatasetMetadata.Spec spec = trained.spec();
        int workers = cfg.workers() > 0 ? cfg.workers() : jsc.defaultParallelism();
        jsc.setJobDescription("evaluate: load " + split + " examples");
        JavaRDD<Example> examples = TrainingData.load(spark, dataDir + "/" + split, data.spec(), workers,
                StorageLevel.MEMORY_AND_DISK_SER());
        List<String> names = models.members().stream().map(ModelSet.Member::name).toList();
        int inputSize = scoringSize(cfg.inputSize(), models.inputSize(), spec.imageSize());
        if (inputSize != models.inputSize()) {
            log.printf(Locale.ROOT, "evaluate: scoring at input size %d px (the models were trained at %d px; stored %d px)%n",
                    inputSize, models.inputSize(), spec.imageSize());
        }
        ScorerSettings scorer = new ScorerSettings(spec.channels(), spec.imageSize(), inputSize, cfg.batchSize(),
                0, cfg.reduction(), cfg.mirrorCrops());
        MemberWeights memberWeights = models.weights(cfg.memberWeights());
        log.printf(Locale.ROOT, "evaluate: member weights %s (%s): %s%n", cfg.memberWeights().id(), memberWeights.method(),
                memberWeights.weights().stream().map(w -> String.format(Locale.ROOT, "%.3f", w)).toList());
        PriorShift shift = priorShift(cfg.classPrior(), trained, models.root());
        if (shift != null) {
            log.println("evaluate: class prior uniform: " + shift.describe());
        }
        DistributedScorer.Plan settings = new DistributedScorer.Plan(names, cfg.crops(), cfg.detailPolicy(),
                trained.classes().size(), scorer, memberWeights.array(), ReportWriter.MAX_SAMPLES,
                cfg.examplesPerPair(), cfg.kernels(), false, shift);
        int passes = cfg.crops().stream().mapToInt(scorer::forwardPasses).sum();
        jsc.setJobDescription(String.format(Locale.ROOT, "evaluate: %d models x %d forward passes per image",
                names.size(), passes));
        long t0 = System.nanoTime();
        DistributedScorer.Outcome outcome = DistributedScorer.score(jsc,
                examples, models.members().stream().map(ModelSet.Member::model).toList(), settings);
        double scoreSeconds = (System.nanoTime() - t0) / 1e9;
        examples.unpersist(false);
        log.printf(Locale.ROOT, "evaluate: scored %,d examples x %d models x %d forward passes in %s (%.1f images/s per model-pass)%n",
                outcome.examples(), names.size(), passes, ProgressMonitor.formatDuration(scoreSeconds),
                outcome.examples() * (double) names.size() * passes / scoreSeconds);

        Map<String, EvaluationResult> metrics = new LinkedHashMap<>();
        outcome.metrics().forEach((k, v) -> metrics.put(k, v.result()));
        CropPolicy first = cfg.crops().get(0);
        String best = names.get(0);
        for (String n : names) {
            if (metrics.get(DistributedScorer.key(n, first)).top1Error()
                    < metrics.get(DistributedScorer.key(best, first)).top1Error()) {
                best = n;
            }
        }
        List<ReportInput.ResultRow> table = new ArrayList<>();
        for (CropPolicy p : cfg.crops()) {
            EvaluationResult r = metrics.get(DistributedScorer.key(best, p));
            table.add(new ReportInput.ResultRow(1, p.nominalCrops(), scorer.forwardPasses(p), r.top1Error(), r.top5Error()));
        }
        if (names.size() > 1) {
            for (CropPolicy p : cfg.crops()) {
                EvaluationResult r = metrics.get(DistributedScorer.key(DistributedScorer.ENSEMBLE, p));
                table.add(new ReportInput.ResultRow(names.size(), p.nominalCrops(), (double) names.size()
                        * scorer.forwardPasses(p), r.top1Error(), r.top5Error()));
            }
        }
        log.println("evaluate: members x crops (best single member: " + best + ")");
        log.println(String.format(Locale.ROOT, "  %-8s %-6s %-6s %-12s %-12s", "members", "crops", "cost", "top-1 error", "top-5 error"));
        for (ReportInput.ResultRow r : table) {
            log.println(String.format(Locale.ROOT, "  %-8d %-6d %-6.0f %-12s %-12s", r.members(), r.crops(), r.cost(),
                    String.format(Locale.ROOT, "%.2f %%", 100 * r.top1Error()), String.format(Locale.ROOT, "%.2f %%", 100 * r.top5Error())));
        }

        ReportInput input = ReportBuilder.build(files, cfg, models, trained, shownDataDir != null ? shownDataDir : dataDir,
                split, metrics, outcome, table, memberWeights, spark.version());
        Files.createDirectories(report);
        ReportWriter.write(input, report);
        Files.writeString(report.resolve("predictions.csv"), predictionsCsv(outcome.predictions(), trained));
        Files.writeString(report.resolve("cost.csv"), costCsv(outcome, cfg, names, settings));
        log.printf(Locale.ROOT, "evaluate: done in %s%n", ProgressMonitor.formatDuration((System.nanoTime() - start) / 1e9));
        return new Result(finalReport, table, metrics, outcome.predictions(), best, outcome.examples());
    }

    /**
     * The prior shift {@code --class-prior} asks for: none for {@code train}; for {@code uniform}, from the training
     * split's class counts the models' metadata records.
     *
     * @throws IllegalArgumentException when the metadata records no training counts for every class
     */
    public static PriorShift priorShift(EvaluateConfig.ClassPrior prior, DatasetMetadata trained, String where) {
        if (prior == EvaluateConfig.ClassPrior.TRAIN) {
            return null;
        }
        long[] counts = trained.counts() == null || trained.counts().perClass() == null ? null
                : trained.counts().perClass().get("train");
        if (counts == null || counts.length != trained.classes().size()) {
            throw new IllegalArgumentException("--class-prior uniform needs the training split's count of every class,"
                    + " which the models' metadata.json (" + where + ") does not record");
        }
        return PriorShift.toUniform(counts);
    }

    /**
     * The network input at scoring: the models' training input size ({@code requested} 0), or a larger one up to the
     * stored size (the networks end in global average pooling, so they take any input at least as large as the one
     * they were built for).
     *
     * @throws IllegalArgumentException when the requested size is smaller than the trained one or larger than the stored
     */
    static int scoringSize(int requested, int trained, int stored) {
        if (requested == 0) {
            return trained;
        }
        if (requested < trained || requested > stored) {
            throw new IllegalArgumentException("--input-size " + requested + " must be 0 (the trained " + trained
                    + " px) or between the trained size and the stored size (" + trained + ".." + stored + " px)");
        }
        return requested;
    }

    static String predictionsCsv(List<DistributedScorer.ScoredExample> preds, DatasetMetadata m) {
        CsvTable csv = new CsvTable("seq", "label", "label_name", "predicted", "predicted_name", "confidence", "correct",
                "top5");
        for (DistributedScorer.ScoredExample p : preds) {
            StringBuilder top = new StringBuilder();
            for (int i = 0; i < p.top5().length; i++) {
                top.append(i == 0 ? "" : " ").append(p.top5()[i]);
            }
            csv.row(p.seq(), p.label(), name(m, p.label()), p.predicted(), name(m, p.predicted()),
                    String.format(Locale.ROOT, "%.6f", p.confidence()), p.label() == p.predicted(), top);
        }
        return csv.toString();
    }

    static String costCsv(DistributedScorer.Outcome o, EvaluateConfig cfg, List<String> names, DistributedScorer.Plan s) {
        CsvTable csv = new CsvTable("model", "crops", "forward_passes_per_image", "executor_seconds_per_image");
        for (String n : names) {
            for (CropPolicy p : cfg.crops()) {
                long nanos = o.nanos().getOrDefault(DistributedScorer.key(n, p), 0L);
                csv.row(n, p.nominalCrops(), s.scorer().forwardPasses(p), String.format(Locale.ROOT, "%.6f", nanos / 1e9 / o.examples()));
            }
        }
        return csv.toString();
    }

    static String name(DatasetMetadata m, int index) {
        String n = m.classes().get(index).name();
        return n == null || n.isBlank() ? m.classes().get(index).label() : n;
    }

    private static String firstSplit(HadoopFiles files, String dir) {
        for (String s : new String[] {"test", "val", "train"}) {
            if (files.exists(dir + "/" + s)) {
                return s;
            }
        }
        throw new IllegalArgumentException(dir + " has no test/, val/ or train/ split");
    }

    /**
     * The report directory, refused (before any work) when it exists and is not an earlier report, or is a
     * finished one and {@code --overwrite} is not set.
     */
    public static Path checkReport(EvaluateConfig cfg) {
        Path report = localDir(cfg.report());
        OutputDirectory.requireReplaceable(HadoopFiles.local(), uri(report), OutputDirectory.Kind.EVALUATE, cfg.overwrite());
        return report;
    }

    /** A local directory as a {@code file:} URI without a trailing slash (HadoopFiles' form). */
    static String uri(Path dir) {
        String u = dir.toUri().toString();
        return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
    }

    /** The report is written by the driver with java.nio: it must be a local path. */
    static Path localDir(String report) {
        if (report.contains("://") && !report.startsWith("file:")) {
            throw new IllegalArgumentException("report must be a local directory of the driver, got " + report);
        }
        return Path.of(report.startsWith("file:") ? java.net.URI.create(report).getPath() : report).toAbsolutePath();
    }


    /** Hyperparameters of a member: its resolved train.conf, if present. */
    static Map<String, Object> hyperparameters(HadoopFiles files, String dir) throws IOException {
        if (!files.exists(dir + "/train.conf")) {
            return Map.of();
        }
        return ConfigFactory.parseString(files.readText(dir + "/train.conf")).root().unwrapped();
    }
}
