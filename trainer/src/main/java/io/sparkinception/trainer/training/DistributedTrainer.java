package io.sparkinception.trainer.training;

import io.sparkinception.common.Json;
import io.sparkinception.trainer.kernels.KernelReport;
import io.sparkinception.trainer.kernels.KernelRuntime;
import io.sparkinception.preprocessing.DatasetMetadata;
import io.sparkinception.preprocessing.MetadataIO;
import io.sparkinception.common.HadoopFiles;
import io.sparkinception.preprocessing.spark.ProgressMonitor;
import io.sparkinception.common.OutputDirectory;
import io.sparkinception.trainer.models.InceptionZoo;
import io.sparkinception.trainer.models.InferenceExport;
import io.sparkinception.trainer.models.ModelSpec;
import io.sparkinception.trainer.models.ScheduleWarp;
import io.sparkinception.trainer.models.TrainingRecipe;
import io.sparkinception.trainer.models.ZooGraph;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One training run: loads the shards, builds the zoo model, runs parameter-averaging rounds with progress,
 * metrics, validation, EMA and checkpoints, and writes the models and summary. The three roles live in
 * {@link ParameterAveragingMaster} (driver), {@link PartitionTrainer} (executors) and {@link Aggregate}.
 */
public final class DistributedTrainer {
    private DistributedTrainer() {
    }

    /**
     * {@code summary.json}, written and read through {@link RunRecords}. The {@code val*}, {@code emaValTop1} and
     * {@code test*} scores are NaN when that set was not scored (no val split, EMA off, no eval-data);
     * {@code timeBudget} is null without a {@code time-budget} (or when the run ended before its calibration).
     */
    public record Summary(String family, double width, long rounds, double epochs, long examplesSeen,
                          double imagesPerSecond, double valTop1, double valTop5, double valLoss, double emaValTop1,
                          double wallSeconds, String paramsSha256, long params, int workers, int batchSizePerWorker,
                          int averagingFrequency, long seed, int imageSize, int inputSize, int numClasses,
                          long samplingSeed,
                          double testTop1, double testTop5, double testLoss, long testExamples,
                          int divergenceSkips, double learningRateScale, KernelReport kernels,
                          BudgetDecision timeBudget) {
        public Summary {
            // summary.json files written before input-size existed: the network's input was the stored size.
            inputSize = inputSize > 0 ? inputSize : imageSize;
        }
    }

    /** The model of a run: its zoo spec and configured graph. */
    public static ZooGraph model(TrainConfig cfg, DatasetMetadata metadata) {
        return model(cfg, metadata, 0, 0);
    }

    /**
     * The model of a run whose learning rate was halved {@code halvings} times after diverged rounds, its learning-rate
     * schedule moving every one of the {@code stepsPerEpoch} steps of an epoch (0: at whole epochs).
     */
    static ZooGraph model(TrainConfig cfg, DatasetMetadata metadata, int halvings, int stepsPerEpoch) {
        return model(cfg, metadata, halvings, stepsPerEpoch, cfg.epochs());
    }

    /** As {@link #model(TrainConfig, DatasetMetadata, int, int)}, the schedule laid out over {@code scheduleEpochs}. */
    static ZooGraph model(TrainConfig cfg, DatasetMetadata metadata, int halvings, int stepsPerEpoch,
                          double scheduleEpochs) {
        return model(cfg, metadata, halvings, stepsPerEpoch, scheduleEpochs, List.of());
    }

    /** As {@link #model(TrainConfig, DatasetMetadata, int, int, double)}, stretched by a time budget's re-plans. */
    static ZooGraph model(TrainConfig cfg, DatasetMetadata metadata, int halvings, int stepsPerEpoch,
                          double scheduleEpochs, List<ScheduleWarp.Replan> replans) {
        TrainingRecipe recipe = cfg.resolvedRecipe(halvings, stepsPerEpoch, scheduleEpochs, replans);
        ModelSpec spec = architecture(cfg, metadata).withSeed(cfg.seed()).withRecipe(recipe);
        if (cfg.weightDecay() != null) {
            spec = spec.withLayerDefaults(spec.layerDefaults().withWeightDecay(cfg.weightDecay()));
        }
        if (cfg.batchNormDecay() != null) {
            spec = spec.withLayerDefaults(spec.layerDefaults().withBatchNorm(cfg.batchNormDecay(),
                    spec.layerDefaults().batchNormEpsilon()));
        }
        return InceptionZoo.configure(spec);
    }

    /**
     * The network a run of {@code cfg} on this data trains, as far as its shape goes (family, classes, input size and
     * channels, width, aux heads; the paper's recipe and seed): what {@code ModelReports} needs for its parameter count
     * and multiply-adds.
     */
    public static ModelSpec architecture(TrainConfig cfg, DatasetMetadata metadata) {
        return ModelSpec.defaults(cfg.family(), metadata.classes().size())
                .withInputSize(cfg.effectiveInputSize(metadata.spec().imageSize()))
                .withInputChannels(metadata.spec().channels())
                .withWidth(cfg.width(), cfg.minFilters())
                .withAuxHeads(cfg.auxHeads());
    }

    public static Summary run(SparkSession spark, TrainConfig cfg, PrintStream log) throws IOException {
        return run(spark, cfg, log, System::nanoTime);
    }

    /** A run timed by {@code nanos} ({@link System#nanoTime}; tests of the time budget pass a fake clock). */
    static Summary run(SparkSession spark, TrainConfig cfg, PrintStream log, LongSupplier nanos) throws IOException {
        long start = nanos.getAsLong();
        Inputs in = prepare(spark, cfg);
        ComputationGraph g = KernelRuntime.build(cfg.kernels(), in.zoo()::init);
        KernelReport kernels = KernelReport.of(g, cfg.kernels());
        log.println("train: kernels " + kernels.requested() + (kernels.effective().equals(kernels.requested())
                ? "" : " (unavailable here: " + kernels.effective() + ")") + ": " + kernels.summary());
        Resumed resumed = resume(cfg, in, g, log);
        RunLength length = new RunLength(in.plan(), cfg.maxRounds(), resumed.budget());
        DatasetMetadata.Spec spec = in.metadata().spec();
        log.printf(Locale.ROOT, "train: %s width %.2f, %,d parameters, %d classes, %d px; %d workers x %d examples"
                        + " (batch %d, k %d): %d steps/epoch, %d rounds%s%n", cfg.family().id(), cfg.width(), g.numParams(),
                in.metadata().classes().size(), spec.imageSize(), in.workers(), in.largestPartition(),
                cfg.batchSizePerWorker(), cfg.averagingFrequency(), in.plan().stepsPerEpoch(), length.plan().totalRounds(),
                cfg.timeBudget() == null || length.fixed() ? "" : " at most (time-budget " + cfg.timeBudget() + ")");
        if (resumed.nextRound() > 0) {
            log.printf(Locale.ROOT, "train: resumed from round %d of %d%s%n", resumed.nextRound(),
                    length.plan().totalRounds(), length.fixed() ? "; keeps the recorded " + length.decision().describe() : "");
        }
        Listeners ls = listeners(cfg, in, g, resumed, length, log, nanos, start);
        MasterRounds rounds = new MasterRounds(in.jsc(), g, in.train(), in.datasetId(), length::plan,
                () -> new MasterRounds.Schedule(ls.guard().halvings(), length.laidOutEpochs(), length.replans()),
                s -> master(in.jsc(), cfg, in.workerSettings(), in.metadata(), s, (int) in.plan().stepsPerEpoch(), g));
        new TrainingLoop(g, length::plan, rounds, ls.all()).run(resumed.nextRound());
        in.release();
        Summary summary = finish(cfg, in, g, ls, length, kernels);
        log.printf(Locale.ROOT, "train: done in %s, %d rounds, %.1f img/s, params sha256 %s%n",
                ProgressMonitor.formatDuration((nanos.getAsLong() - start) / 1e9), summary.rounds(),
                summary.imagesPerSecond(), summary.paramsSha256());
        return summary;
    }

    /**
     * What a run trains on, as loaded and checked before the first round; {@code plan} is that of {@code epochs}
     * without {@code max-rounds} ({@link RunLength} applies both and the time budget).
     */
    private record Inputs(JavaSparkContext jsc, HadoopFiles files, String out, DatasetMetadata metadata, ZooGraph zoo,
                          int workers, int largestPartition, RoundPlan plan, WorkerSettings workerSettings,
                          JavaRDD<Example> train, ValidationListener.Sets sets, String datasetId) {
        void release() {
            train.unpersist(false);
            if (sets.val() != null) {
                sets.val().unpersist(false);
            }
            if (sets.eval() != null) {
                sets.eval().examples().unpersist(false);
            }
            PartitionData.evict(datasetId);
        }
    }

    private static Inputs prepare(SparkSession spark, TrainConfig cfg) throws IOException {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        HadoopFiles files = HadoopFiles.of(spark.sparkContext().hadoopConfiguration());
        String data = files.qualifyDir(cfg.data());
        String out = files.qualifyDir(cfg.output());
        checkOutput(files, cfg, out);
        DatasetMetadata metadata = MetadataIO.read(files, data);
        TrainPreflight.checkModel(cfg, metadata, data);
        DatasetMetadata.Spec spec = metadata.spec();
        if (!files.exists(data + "/train")) {
            throw new IllegalArgumentException(data + " has no train/ split to train on");
        }
        int workers = cfg.workers() != null ? cfg.workers() : jsc.defaultParallelism();
        StorageLevel level = StorageLevel.fromString(cfg.storageLevel());
        jsc.setJobDescription("train: load and partition the training examples");
        JavaRDD<Example> train = TrainingData.loadCompact(spark, data + "/train", spec, workers, cfg.dataMemoryCap() << 20);
        int largest = checkPartitions(cfg, train, workers);
        boolean validating = cfg.validateEveryEpochs() > 0;
        JavaRDD<Example> val = validating && files.exists(data + "/val")
                ? TrainingData.load(spark, data + "/val", spec, workers, level) : null;
        EvalData eval = validating && !cfg.evalData().isBlank()
                ? EvalData.load(spark, files, files.qualifyDir(cfg.evalData()), metadata, workers, level) : null;
        RoundPlan plan = RoundPlan.of(largest, cfg.batchSizePerWorker(), cfg.averagingFrequency(), cfg.epochs(), null);
        ZooGraph zoo = model(cfg, metadata, 0, (int) plan.stepsPerEpoch());
        String json = zoo.configuration().toJson();
        int inputSize = cfg.effectiveInputSize(spec.imageSize());
        ValidationListener.Sets sets = new ValidationListener.Sets(jsc, val, eval, json, cfg.kernels(),
                Validator.settings(ZooGraph.MAIN_OUTPUT, spec.channels(), spec.imageSize(), inputSize, Validator.BATCH_SIZE));
        WorkerSettings ws = new WorkerSettings(json, cfg.batchSizePerWorker(), cfg.averagingFrequency(),
                cfg.effectiveSamplingSeed(), metadata.classes().size(), spec.imageSize(), inputSize, spec.channels(),
                spec.meanFloats(), spec.scale(), cfg.augmentation(), cfg.prefetch(), cfg.kernels());
        return new Inputs(jsc, files, out, metadata, zoo, workers, largest, plan, ws, train, sets,
                UUID.randomUUID().toString());
    }

    /** Checks every worker got examples; returns the size of the largest partition. */
    private static int checkPartitions(TrainConfig cfg, JavaRDD<Example> train, int workers) {
        List<Integer> sizes = train.mapPartitions(it -> {
            int n = 0;
            while (it.hasNext()) {
                it.next();
                n++;
            }
            return List.of(n).iterator();
        }).collect();
        long total = sizes.stream().mapToLong(Integer::longValue).sum();
        // The jobs checked this against metadata.json before Spark; here against the examples actually loaded.
        TrainPreflight.checkWorkers(cfg, total, workers);
        if (sizes.stream().mapToInt(Integer::intValue).min().orElse(0) == 0) {
            throw new IllegalArgumentException("the training split has " + total + " examples, too few for " + workers
                    + " workers");
        }
        return sizes.stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    /** Where a run starts: round 0, or the state of the latest checkpoint with {@code --resume}. */
    private record Resumed(long nextRound, int halvings, long examplesSeen, double wallSeconds, List<MetricsLine> metrics,
                           float[] ema, BudgetDecision budget) {
    }

    private static Resumed resume(TrainConfig cfg, Inputs in, ComputationGraph g, PrintStream log) throws IOException {
        if (!cfg.initModel().isEmpty()) {
            // Before the EMA's copy: a warm start's EMA starts from the loaded parameters. A checkpoint overrides both.
            log.println("train: init-model: " + WarmStart.apply(in.files(), in.files().qualify(cfg.initModel()), g));
        }
        float[] ema = cfg.emaDecay() > 0 ? g.params().toFloatVector() : null;
        Resumed fresh = new Resumed(0, 0, 0, 0, List.of(), ema, null);
        if (!cfg.resume()) {
            return fresh;
        }
        Checkpoints.Restored restored = new Checkpoints(in.files(), in.out()).restoreLatest(g);
        if (restored == null) {
            log.println("train: --resume given but no checkpoint in " + in.out() + "/checkpoints; starting from scratch");
            return fresh;
        }
        Checkpoints.State s = restored.state();
        log.println("train: resume: " + restored.note());
        return new Resumed(s.nextRound(), s.learningRateHalvings(), s.examplesSeen(), s.wallSeconds(), s.metrics(),
                s.ema(), s.timeBudget());
    }

    /** The listeners of a run, in the order they hear of each round ({@code budget} null without a time budget). */
    private record Listeners(DivergenceGuard guard, RunClock clock, MetricsLog metrics, DivergenceListener divergence,
                            TimeBudgetListener budget, EmaListener ema, ProgressListener progress,
                            ValidationListener validation, CheckpointListener checkpoints) {
        List<TrainingLoop.Listener> all() {
            List<TrainingLoop.Listener> l = new ArrayList<>(List.of(divergence));
            if (budget != null) {
                l.add(budget);
            }
            l.add(progress);
            if (ema != null) {
                l.add(ema);
            }
            l.add(validation);
            l.add(checkpoints);
            return l;
        }
    }

    /** @param runStart the {@code nanos} reading at the start of the run (the budget counts the setup before the loop) */
    private static Listeners listeners(TrainConfig cfg, Inputs in, ComputationGraph g, Resumed r, RunLength length,
                                       PrintStream log, LongSupplier nanos, long runStart) {
        DivergenceGuard guard = new DivergenceGuard(cfg.onDivergence(), r.halvings());
        double setupSeconds = (nanos.getAsLong() - runStart) / 1e9;
        RunClock clock = new RunClock(r.wallSeconds(), nanos);
        MetricsLog metrics = new MetricsLog(in.files(), in.out(), r.metrics());
        DivergenceListener divergence = new DivergenceListener(guard, cfg.averageUpdaterState(), g, metrics, in.out(), log);
        EmaListener ema = r.ema() == null ? null : new EmaListener(cfg.emaDecay(), g, r.ema());
        long imagesPerRound = (long) in.workers() * cfg.batchSizePerWorker() * cfg.averagingFrequency();
        ProgressListener progress = new ProgressListener(imagesPerRound,
                epoch -> cfg.resolvedRecipe(guard.halvings(), 0, length.laidOutEpochs(), length.replans()).learningRate()
                        .at(epoch, 1.0 / in.plan().stepsPerEpoch()),
                r.examplesSeen(), clock,
                metrics, log);
        ValidationListener validation = new ValidationListener(in.sets(), cfg.validateEveryEpochs(), g, ema, clock,
                metrics, log);
        CheckpointListener checkpoints = new CheckpointListener(new Checkpoints(in.files(), in.out()),
                cfg.checkpointEvery(), g, progress, ema, guard, clock, metrics, length::decision);
        // A recorded length keeps its budget: a resumed run re-plans against it, whatever --time-budget says now.
        TimeBudget budget = length.fixed()
                ? TimeBudget.parse(length.decision().budget(), TimeBudget.CALIBRATION_ROUNDS) : cfg.budget();
        boolean validating = in.sets().val() != null || in.sets().eval() != null;
        TimeBudgetListener calibration = budget == null ? null : new TimeBudgetListener(budget, length, clock,
                setupSeconds, validation, validating ? cfg.validateEveryEpochs() : 0,
                1 + (ema != null && in.sets().val() != null ? 1 : 0), log);
        return new Listeners(guard, clock, metrics, divergence, calibration, ema, progress, validation, checkpoints);
    }

    /** Writes the models, metrics, config, metadata and summary of a finished run. */
    private static Summary finish(TrainConfig cfg, Inputs in, ComputationGraph g, Listeners ls, RunLength length,
                                  KernelReport kernels) throws IOException {
        HadoopFiles files = in.files();
        String out = in.out();
        double wall = ls.clock().wallSeconds();
        float[] params = g.params().toFloatVector();
        writeModel(files, out + "/model.zip", g, true);
        writeModel(files, out + "/inference-model.zip", InferenceExport.withoutAuxHeads(g), false);
        if (ls.ema() != null) {
            ComputationGraph e = g.clone();
            e.setParams(Nd4j.create(ls.ema().ema(), g.params().shape()));
            writeModel(files, out + "/ema-model.zip", InferenceExport.withoutAuxHeads(e), false);
        }
        ls.metrics().write();
        files.writeAtomically(out + "/train.conf", cfg.rendered());
        files.writeAtomically(out + "/metadata.json", Json.toJson(in.metadata()));
        Summary summary = summary(cfg, in, ls, length, wall, params, kernels);
        RunRecords.writeSummary(files, out, summary);
        return summary;
    }

    private static Summary summary(TrainConfig cfg, Inputs in, Listeners ls, RunLength length, double wall,
                                   float[] params, KernelReport kernels) {
        RoundPlan plan = length.plan();
        ValidationListener v = ls.validation();
        long seen = ls.progress().examplesSeen();
        return new Summary(cfg.family().id(), cfg.width(), plan.totalRounds(), plan.epochAfter(plan.totalRounds() - 1),
                seen, seen / Math.max(wall, 1e-9), score(v.lastVal(), EvalCounts::top1Accuracy),
                score(v.lastVal(), EvalCounts::top5Accuracy), score(v.lastVal(), EvalCounts::meanLoss),
                score(v.emaVal(), EvalCounts::top1Accuracy), wall, sha256(params), params.length, in.workers(),
                cfg.batchSizePerWorker(), cfg.averagingFrequency(), cfg.seed(), in.metadata().spec().imageSize(),
                in.workerSettings().inputSize(), in.metadata().classes().size(), cfg.effectiveSamplingSeed(),
                score(v.lastTest(), EvalCounts::top1Accuracy),
                score(v.lastTest(), EvalCounts::top5Accuracy), score(v.lastTest(), EvalCounts::meanLoss),
                v.lastTest() == null ? 0 : v.lastTest().examples(), ls.guard().halvings(), ls.guard().learningRateScale(),
                kernels, length.decision());
    }

    /** A score of a set, or NaN when the set was not scored (summary.json's "not applicable"). */
    private static double score(EvalCounts c, ToDoubleFunction<EvalCounts> f) {
        return c == null ? Double.NaN : f.applyAsDouble(c);
    }

    /**
     * The driver role for a learning-rate schedule (the workers' graph carries it): the run's own graph until the
     * rate is halved or a time budget lays the schedule out over other epochs (or re-plans it); then the workers' pool
     * key changes and they build the new graph once, and the driver's graph takes the new schedule into its
     * configuration.
     */
    private static ParameterAveragingMaster master(JavaSparkContext jsc, TrainConfig cfg, WorkerSettings ws,
                                                   DatasetMetadata metadata, MasterRounds.Schedule s, int stepsPerEpoch,
                                                   ComputationGraph driver) {
        WorkerSettings current = ws;
        if (!s.equals(new MasterRounds.Schedule(0, cfg.epochs()))) {
            var laidOut = model(cfg, metadata, s.halvings(), stepsPerEpoch, s.epochs(), s.replans()).configuration();
            ScheduleSwap.adopt(driver, laidOut);
            current = ws.withGraphJson(laidOut.toJson());
        }
        return new ParameterAveragingMaster(jsc, new PartitionTrainer(current), cfg.aggregationDepth(),
                cfg.averageUpdaterState());
    }

    /**
     * The output may be absent, empty, or an earlier train run; an earlier run is continued only with
     * {@code --resume}. Anything else is refused before any work ({@link OutputDirectory}).
     *
     * @param out the qualified output directory
     */
    public static void checkOutput(HadoopFiles files, TrainConfig cfg, String out) {
        OutputDirectory.requireOwn(files, out, OutputDirectory.Kind.TRAIN);
        boolean hasCheckpoints;
        try {
            hasCheckpoints = new Checkpoints(files, out).exist();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot list " + out + "/checkpoints: " + e.getMessage(), e);
        }
        if (!cfg.resume() && hasCheckpoints) {
            throw new IllegalArgumentException("--output " + out + " already holds a training run; pass --resume to continue"
                    + " it or choose another --output");
        }
    }

    static void writeModel(HadoopFiles files, String path, ComputationGraph g, boolean withUpdater) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(g, bytes, withUpdater);
        files.writeAtomically(path, bytes.toByteArray());
    }

    /** SHA-256 of parameters as little-endian float32: two runs are equal iff their hashes are. */
    public static String sha256(float[] params) {
        return sha256(Checkpoints.toBytes(params));
    }

    /** SHA-256 of bytes, in lower-case hex (checkpoint manifests). */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
