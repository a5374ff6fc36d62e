package io.sparkinception.trainer.predict;

import io.sparkinception.common.Json;
import io.sparkinception.preprocessing.DatasetMetadata;
import io.sparkinception.preprocessing.ImageSource;
import io.sparkinception.preprocessing.annotations.ClassInfo;
import io.sparkinception.preprocessing.annotations.SourceSpec;
import io.sparkinception.common.HadoopFiles;
import io.sparkinception.preprocessing.spark.ProgressMonitor;
import io.sparkinception.trainer.evaluation.EvaluateConfig;
import io.sparkinception.trainer.evaluation.Evaluation;
import io.sparkinception.trainer.evaluation.ModelSet;
import io.sparkinception.common.OutputDirectory;
import io.sparkinception.common.OutputSwap;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * The {@code predict} run: plans the input on the driver ({@link PredictInputs}), reads, crops and scores the
 * images on the executors ({@link PartitionPredictor}: the spec recorded beside the model, the members' softmax
 * outputs averaged), and writes {@code predictions/} (Parquet, written by the executors), {@code predictions.csv}
 * (streamed to the driver in input order), {@code skipped.csv} and {@code predict.json} (last: its presence marks
 * a finished run). Every input record is predicted or skipped with a reason; the counts must reconcile.
 */
public final class Prediction {
    /** The files of a run below the output directory; {@code overwrite} replaces exactly these (others stay). */
    static final List<String> OUTPUTS = List.of("predictions", "predictions.csv", "skipped.csv", "predict.json");

    private Prediction() {
    }

    /**
     * What a run did.
     *
     * @param labelled         predictions whose annotation has a label
     * @param correct          of those, the ones whose top class is the label
     * @param unknownLabels    of those, the ones whose label is not among the model's classes (never correct)
     */
    public record Result(String output, long inputRecords, long predicted, long skipped, Map<String, Long> skippedByReason,
                         long labelled, long correct, long unknownLabels, List<String> members) {
        public boolean reconciles() {
            return inputRecords == predicted + skipped;
        }
    }

    public static Result run(SparkSession spark, PredictConfig cfg, PrintStream log) throws IOException {
        HadoopFiles files = HadoopFiles.of(spark.sparkContext().hadoopConfiguration());
        return run(spark, cfg, ModelSet.load(files, files.qualifyDir(cfg.model()), cfg.members(), cfg.weights()), log);
    }

    /** {@link #run(SparkSession, PredictConfig, PrintStream)} with the models already loaded and validated (the job's preflight). */
    public static Result run(SparkSession spark, PredictConfig cfg, ModelSet models, PrintStream log) throws IOException {
        long start = System.nanoTime();
        HadoopFiles files = HadoopFiles.of(spark.sparkContext().hadoopConfiguration());
        String target = files.qualifyDir(cfg.output());
        OutputDirectory.requireReplaceable(files, target, OutputDirectory.Kind.PREDICT, cfg.overwrite());
        DatasetMetadata.Spec spec = models.metadata().spec();
        List<ClassInfo> classes = models.metadata().classes();
        List<String> names = models.members().stream().map(ModelSet.Member::name).toList();
        log.printf(Locale.ROOT, "predict: %d model(s) from %s (%s weights), %d classes, input %d px%s (margin %.2f%s, %s)%n",
                names.size(), models.root(), cfg.weights().name().toLowerCase(Locale.ROOT), classes.size(),
                spec.imageSize(), models.inputSize() == spec.imageSize() ? ""
                        : ", scored on its center " + models.inputSize() + " px window",
                spec.margin(), spec.square() ? ", square" : "", spec.interpolation());
        var memberWeights = models.weights(EvaluateConfig.MemberWeighting.MANIFEST);
        if (names.size() > 1) {
            log.printf(Locale.ROOT, "predict: member weights (%s): %s%n", memberWeights.method(),
                    memberWeights.weights().stream().map(w -> String.format(Locale.ROOT, "%.3f", w)).toList());
        }

        if (cfg.classPrior() == EvaluateConfig.ClassPrior.UNIFORM) {
            log.println("predict: class prior uniform: "
                    + Evaluation.priorShift(cfg.classPrior(), models.metadata(), models.root()).describe());
        }

        SourceSpec source = cfg.annotated() ? new SourceSpec(SourceSpec.Format.of(cfg.format()), cfg.input(),
                cfg.imagesRoot(), "", null, true) : null;
        PredictInputs.Plan plan = cfg.annotated() ? PredictInputs.fromAnnotations(source, files)
                : PredictInputs.fromDirectory(cfg.images(), files);
        // Reads are confined and bounded exactly as preprocess's (its default limits).
        ImageSource images = ImageSource.under(cfg.annotated()
                ? files.qualifyDir(source.qualified(files).confinementRoot())
                : files.qualifyDir(cfg.images()));
        log.printf(Locale.ROOT, "predict: %d input records, %d images to read, %d skipped before reading%n",
                plan.inputRecords(), plan.tasks().size(), plan.skipped().size());

        // Written next to the output and swapped in only when complete: a failing rerun leaves the old outputs.
        try (OutputSwap staging = OutputSwap.entries(files, target, OUTPUTS)) {
            Result r = write(spark, cfg, log, files, staging.dir(), target, models, plan, images);
            staging.commit();
            log.printf(Locale.ROOT, "predict: done in %s; wrote %s/predictions.csv, predictions/, skipped.csv, predict.json%n",
                    ProgressMonitor.formatDuration((System.nanoTime() - start) / 1e9), target);
            return r;
        }
    }

    /** Scores the plan and writes the four outputs into {@code output} (the staging directory of {@code target}). */
    private static Result write(SparkSession spark, PredictConfig cfg, PrintStream log, HadoopFiles files, String output,
                                String target, ModelSet models, PredictInputs.Plan plan, ImageSource images) throws IOException {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        DatasetMetadata.Spec spec = models.metadata().spec();
        List<ClassInfo> classes = models.metadata().classes();
        List<String> names = models.members().stream().map(ModelSet.Member::name).toList();
        PredictTable table = new PredictTable(classes, plan.annotated());
        List<byte[]> memberModels = models.members().stream().map(ModelSet.Member::model).toList();
        PartitionPredictor predictor = new PartitionPredictor(new CropPreparer(spec), images,
                PredictSettings.of(memberModels, cfg.batchSize(), cfg.kernels(), models.inputSize(),
                        models.weights(EvaluateConfig.MemberWeighting.MANIFEST).array(),
                        Evaluation.priorShift(cfg.classPrior(), models.metadata(), models.root())));
        int partitions = Math.max(1, Math.min(cfg.partitions() > 0 ? cfg.partitions() : 4 * jsc.defaultParallelism(),
                plan.tasks().size()));
        Broadcast<List<byte[]>> bc = jsc.broadcast(memberModels);
        List<PredictOutcome> skipped = new ArrayList<>(plan.skipped());
        long predicted = 0;
        long labelled = 0;
        long correct = 0;
        long unknown = 0;
        JavaRDD<PredictOutcome> outcomes = null;
        JavaRDD<PredictOutcome> sorted = null;
        try {
            if (!plan.tasks().isEmpty()) {
                jsc.setJobDescription(String.format(Locale.ROOT, "predict: read, crop and score %d images x %d models",
                        plan.tasks().size(), names.size()));
                // Outcomes are small (no pixels): cache them, so the sort's sampling does not score twice.
                outcomes = jsc.parallelize(plan.tasks(), partitions)
                        .mapPartitions(it -> predictor.predict(it, bc.value(), files))
                        .persist(StorageLevel.MEMORY_AND_DISK_SER());
                // An image's boxes are scored together; sorting restores the input order of the records.
                sorted = outcomes.sortBy(PredictOutcome::seq, true, partitions).persist(StorageLevel.MEMORY_AND_DISK_SER());
                jsc.setJobDescription("predict: write " + output + "/predictions");
                spark.createDataFrame(sorted.filter(PredictOutcome::scored).map(table::toRow), table.schema())
                        .write().mode(SaveMode.Overwrite).parquet(output + "/predictions");
                jsc.setJobDescription("predict: write " + output + "/predictions.csv");
                Set<String> known = classes.stream().map(ClassInfo::label).collect(Collectors.toSet());
                try (Writer w = new BufferedWriter(new OutputStreamWriter(
                        files.fileSystem(output).create(new Path(output + "/predictions.csv"), true), StandardCharsets.UTF_8))) {
                    w.write(table.csvHeader());
                    Iterator<PredictOutcome> it = sorted.filter(PredictOutcome::scored).toLocalIterator();
                    while (it.hasNext()) {
                        PredictOutcome o = it.next();
                        w.write(table.csvLine(o));
                        predicted++;
                        Boolean c = table.correct(o.prediction());
                        if (c != null) {
                            labelled++;
                            correct += c ? 1 : 0;
                            unknown += known.contains(o.prediction().label()) ? 0 : 1;
                        }
                    }
                }
                skipped.addAll(sorted.filter(o -> !o.scored()).collect());
            } else {
                files.writeAtomically(output + "/predictions.csv", table.csvHeader());
                spark.createDataFrame(List.of(), table.schema()).write().mode(SaveMode.Overwrite).parquet(output + "/predictions");
            }
        } finally {
            if (sorted != null) {
                sorted.unpersist(false);
            }
            if (outcomes != null) {
                outcomes.unpersist(false);
            }
            bc.destroy();
        }
        skipped.sort(Comparator.comparingLong(PredictOutcome::seq));
        Map<String, Long> byReason = new TreeMap<>();
        skipped.forEach(s -> byReason.merge(s.skipped().reason().id(), 1L, Long::sum));
        Result r = new Result(target, plan.inputRecords(), predicted, skipped.size(), byReason, labelled, correct,
                unknown, names);
        if (!r.reconciles()) {
            throw new IllegalStateException("counts do not reconcile: " + r.inputRecords() + " input records, "
                    + r.predicted() + " predicted, " + r.skipped() + " skipped");
        }
        files.writeAtomically(output + "/skipped.csv", PredictTable.skippedCsv(skipped));
        files.writeAtomically(output + "/predict.json", Json.toJson(
                summary(r, cfg, models, plan.annotated(), spark.version())));
        log.print(summaryTable(r));
        return r;
    }

    /** {@code predict.json}: counts, the model and its members, the spec the images were prepared with. */
    static Map<String, Object> summary(Result r, PredictConfig cfg, ModelSet models, boolean annotated, String sparkVersion) {
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("input_records", r.inputRecords());
        counts.put("predicted", r.predicted());
        counts.put("skipped", r.skipped());
        counts.put("skipped_by_reason", r.skippedByReason());
        counts.put("labelled", r.labelled());
        counts.put("correct", r.correct());
        counts.put("labels_unknown_to_model", r.unknownLabels());
        counts.put("top1_accuracy", r.labelled() == 0 ? null : (double) r.correct() / r.labelled());
        Map<String, Object> input = new LinkedHashMap<>();
        if (annotated) {
            input.put("format", cfg.format());
            input.put("input", cfg.input());
            input.put("images_root", cfg.imagesRoot());
        } else {
            input.put("images", cfg.images());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("created_at", Instant.now().toString());
        m.put("spark", sparkVersion);
        m.put("model", models.root());
        m.put("ensemble", models.ensemble());
        m.put("members", r.members());
        m.put("weights", cfg.weights().name().toLowerCase(Locale.ROOT));
        m.put("crops", 1);
        m.put("input", input);
        m.put("counts", counts);
        m.put("spec", models.metadata().spec());
        m.put("classes", models.metadata().classes().size());
        m.put("config", cfg.rendered());
        return m;
    }

    /** A one-screen summary of a finished run. */
    public static String summaryTable(Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-26s %10s%n", "records", "count"));
        sb.append(String.format(Locale.ROOT, "%-26s %10d%n", "predicted", r.predicted()));
        r.skippedByReason().forEach((k, v) -> sb.append(String.format(Locale.ROOT, "%-26s %10d%n", "skipped " + k, v)));
        sb.append(String.format(Locale.ROOT, "%-26s %10d  (= %d predicted + %d skipped)%n", "input records",
                r.inputRecords(), r.predicted(), r.skipped()));
        if (r.labelled() > 0) {
            sb.append(String.format(Locale.ROOT, "top-1 accuracy on the %d labelled records: %.2f %%%s%n", r.labelled(),
                    100.0 * r.correct() / r.labelled(), r.unknownLabels() > 0
                            ? " (" + r.unknownLabels() + " labels are not classes of the model)" : ""));
        }
        return sb.toString();
    }

}
