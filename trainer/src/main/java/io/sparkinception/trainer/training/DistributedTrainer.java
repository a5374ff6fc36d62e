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
import io.sparkinception.trainer.models.TrainingRecipe;
import io.sparkinception.trainer.models.ZooGraph;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
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

    /** {@code summary.json}. */
    public record Summary(String family, double width, long rounds, double epochs, long examplesSeen,
                          double imagesPerSecond, double valTop1, double valTop5, double valLoss, double emaValTop1,
                          double wallSeconds, String paramsSha256, long params, int workers, int batchSizePerWorker,
                          int averagingFrequency, long seed, int imageSize, int numClasses, long samplingSeed,
                          double testTop1, double testTop5, double testLoss, long testExamples,
                          int divergenceSkips, double learningRateScale, KernelReport kernels) {
    }

    /** The model of a run: its zoo spec and configured graph. */
    public static ZooGraph model(TrainConfig cfg, DatasetMetadata metadata) {
        return model(cfg, metadata, 0);
    }

    /** The model of a run whose learning rate was halved {@code halvings} times after diverged rounds. */
    static ZooGraph model(TrainConfig cfg, DatasetMetadata metadata, int halvings) {
        TrainingRecipe recipe = cfg.resolvedRecipe(halvings);
        ModelSpec spec = ModelSpec.defaults(cfg.family(), metadata.classes().size())
                .withInputSize(metadata.spec().imageSize())
                .withInputChannels(metadata.spec().channels())
                .withWidth(cfg.width(), cfg.minFilters())
                .withAuxHeads(cfg.auxHeads())
                .withSeed(cfg.seed())
                .withRecipe(recipe);
        if (cfg.weightDecay() >= 0) {
            spec = spec.withLayerDefaults(spec.layerDefaults().withWeightDecay(cfg.weightDecay()));
        }
        if (cfg.batchNormDecay() > 0) {
            spec = spec.withLayerDefaults(spec.layerDefaults().withBatchNorm(cfg.batchNormDecay(),
                    spec.layerDefaults().batchNormEpsilon()));
        }
        return InceptionZoo.configure(spec);
    }

    public static Summary run(SparkSession spark, TrainConfig cfg, PrintStream log) throws IOException {
        long start = System.nanoTime();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        HadoopFiles files = HadoopFiles.of(spark.sparkContext().hadoopConfiguration());
        String data = files.qualifyDir(cfg.data());
        String out = files.qualifyDir(cfg.output());
        checkOutput(files, cfg, out);
        DatasetMetadata metadata = MetadataIO.read(files, data);
        TrainPreflight.checkModel(cfg, metadata, data);
        DatasetMetadata.Spec spec = metadata.spec();
        Checkpoints checkpoints = new Checkpoints(files, out);
        if (!files.exists(data + "/train")) {
            throw new IllegalArgumentException(data + " has no train/ split to train on");
        }
        ZooGraph zoo = model(cfg, metadata);
        String json = zoo.configuration().toJson();
        int workers = cfg.workers() > 0 ? cfg.workers() : jsc.defaultParallelism();
        StorageLevel level = StorageLevel.fromString(cfg.storageLevel());
        String datasetId = UUID.randomUUID().toString();

        jsc.setJobDescription("train: load and partition the training examples");
        JavaRDD<Example> train = TrainingData.loadCompact(spark, data + "/train", spec, workers, cfg.dataMemoryCap() << 20);
        List<Integer> sizes = train.mapPartitions(it -> {
            int n = 0;
            while (it.hasNext()) {
                it.next();
                n++;
            }
            return List.of(n).iterator();
        }).collect();
        int maxSize = sizes.stream().mapToInt(Integer::intValue).max().orElse(0);
        int minSize = sizes.stream().mapToInt(Integer::intValue).min().orElse(0);
        // The jobs checked this against metadata.json before Spark; here against the examples actually loaded.
        TrainPreflight.checkWorkers(cfg, sizes.stream().mapToLong(Integer::longValue).sum(), workers);
        if (minSize == 0) {
            throw new IllegalArgumentException("the training split has " + sizes.stream().mapToInt(Integer::intValue).sum()
                    + " examples, too few for " + workers + " workers");
        }
        JavaRDD<Example> val = files.exists(data + "/val") && cfg.validateEveryEpochs() > 0
                ? TrainingData.load(spark, data + "/val", spec, workers, level) : null;

        EvalData evalSet = cfg.evalData().isBlank() ? null
                : EvalData.load(spark, files, files.qualifyDir(cfg.evalData()), metadata, workers, level);
        boolean validating = cfg.validateEveryEpochs() > 0 && (val != null || evalSet != null);

        int b = cfg.batchSizePerWorker();
        int k = cfg.averagingFrequency();
        long stepsPerEpoch = (maxSize + b - 1) / b;
        long totalRounds = (cfg.epochs() * stepsPerEpoch + k - 1) / k;
        if (cfg.maxRounds() > 0) {
            totalRounds = Math.min(totalRounds, cfg.maxRounds());
        }
        WorkerSettings ws = new WorkerSettings(json, b, k, cfg.effectiveSamplingSeed(), metadata.classes().size(), spec.imageSize(),
                spec.channels(), spec.meanFloats(), spec.scale(), cfg.augmentation(), cfg.prefetch(), cfg.kernels());

        ComputationGraph g = KernelRuntime.build(cfg.kernels(), zoo::init);
        KernelReport kernelReport = KernelReport.of(g, cfg.kernels());
        log.println("train: kernels " + kernelReport.requested() + (kernelReport.effective().equals(kernelReport.requested())
                ? "" : " (unavailable here: " + kernelReport.effective() + ")") + ": " + kernelReport.summary());
        long round = 0;
        long examplesSeen = 0;
        double priorSeconds = 0;
        List<Map<String, Object>> metrics = new ArrayList<>();
        float[] ema = cfg.emaDecay() > 0 ? g.params().toFloatVector() : null;
        int halvings = 0;
        if (cfg.resume()) {
            Checkpoints.Restored restored = checkpoints.restoreLatest(g);
            if (restored != null) {
                Checkpoints.State s = restored.state();
                log.println("train: resume: " + restored.note());
                round = s.nextRound();
                halvings = s.learningRateHalvings();
                examplesSeen = s.examplesSeen();
                priorSeconds = s.wallSeconds();
                metrics.addAll(s.metrics());
                ema = s.ema();
                log.printf(Locale.ROOT, "train: resumed from round %d of %d%n", round, totalRounds);
            } else {
                log.println("train: --resume given but no checkpoint in " + out + "/checkpoints; starting from scratch");
            }
        }
        DivergenceGuard guard = new DivergenceGuard(cfg.onDivergence(), halvings);
        ParameterAveragingMaster master = master(jsc, cfg, ws, metadata, halvings);
        log.printf(Locale.ROOT, "train: %s width %.2f, %,d parameters, %d classes, %d px; %d workers x %d examples"
                        + " (batch %d, k %d): %d steps/epoch, %d rounds%n", cfg.family().id(), cfg.width(), g.numParams(),
                metadata.classes().size(), spec.imageSize(), workers, maxSize, b, k, stepsPerEpoch, totalRounds);

        long firstRound = round;
        long loopStart = System.nanoTime();
        EvalCounts lastVal = null;
        EvalCounts lastTest = null;
        for (; round < totalRounds; round++) {
            int iteration = (int) (round * k);
            int epoch = (int) (iteration / stepsPerEpoch);
            jsc.setJobDescription(String.format(Locale.ROOT, "train round %d/%d (epoch %d)", round + 1, totalRounds, epoch + 1));
            RoundState before = new RoundState(g.params().toFloatVector(), PartitionTrainer.updaterState(g), round,
                    iteration, epoch);
            ParameterAveragingMaster.RoundResult r = master.round(g, train, datasetId, before);
            DivergenceGuard.Verdict verdict = guard.check(round + 1, r.aggregate(), cfg.averageUpdaterState());
            boolean keep = verdict.action() == DivergenceGuard.Action.KEEP;
            if (!keep) {
                log.println("train: " + verdict.message());
                metrics.add(verdict.event());
                if (verdict.action() == DivergenceGuard.Action.STOP) {
                    writeMetrics(files, out, metrics);
                    throw new TrainingDivergedException(round + 1, verdict.message() + ". The last good"
                            + " checkpoint stays checkpoints/latest (" + out + "/checkpoints); resume from it with a"
                            + " lower --learning-rate or --on-divergence skip-round-and-halve-lr");
                }
                restore(g, before);
                master = master(jsc, cfg, ws, metadata, guard.halvings());
            } else {
                examplesSeen += r.aggregate().examples();
            }
            if (keep && ema != null) {
                float[] p = g.params().toFloatVector();
                // TensorFlow's ExponentialMovingAverage(num_updates): a short run is not dominated by the
                // random initialization.
                float d = (float) Math.min(cfg.emaDecay(), (1.0 + round) / (10.0 + round));
                for (int i = 0; i < p.length; i++) {
                    ema[i] = d * ema[i] + (1 - d) * p[i];
                }
            }
            double loopSeconds = (System.nanoTime() - loopStart) / 1e9;
            if (keep) {
                double rate = (round + 1 - firstRound) * (double) workers * b * k / loopSeconds;
                double eta = loopSeconds / (round + 1 - firstRound) * (totalRounds - round - 1);
                log.printf(Locale.ROOT, "train: round %d/%d epoch %d/%d loss %.4f | %.1f img/s | elapsed %s | ETA %s | %s%n",
                        round + 1, totalRounds, epoch + 1, cfg.epochs(), r.aggregate().meanLoss(), rate,
                        ProgressMonitor.formatDuration(priorSeconds + loopSeconds), ProgressMonitor.formatDuration(eta), r.overhead());
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("type", "round");
                m.put("round", round + 1);
                m.put("epoch", (double) (iteration + k) / stepsPerEpoch);
                m.put("loss", r.aggregate().meanLoss());
                m.put("learning_rate", cfg.resolvedRecipe(guard.halvings()).learningRate().atEpoch(epoch));
                m.put("examples_seen", examplesSeen);
                m.put("images_per_second", rate);
                m.put("broadcast_seconds", r.broadcastNanos() / 1e9);
                m.put("round_seconds", r.roundNanos() / 1e9);
                m.put("fit_seconds_per_worker", r.aggregate().fitNanos() / 1e9 / r.aggregate().workers());
                m.put("apply_seconds", r.applyNanos() / 1e9);
                metrics.add(m);
            }

            int epochAfter = (int) ((round + 1) * k / stepsPerEpoch);
            boolean last = round + 1 == totalRounds;
            boolean epochEnd = epochAfter > epoch;
            if (validating && (last || epochEnd && epochAfter % cfg.validateEveryEpochs() == 0)) {
                float[] now = g.params().toFloatVector();
                Map<String, Object> v = new LinkedHashMap<>();
                v.put("type", "validation");
                v.put("round", round + 1);
                v.put("epoch", (double) (round + 1) * k / stepsPerEpoch);
                if (val != null) {
                    jsc.setJobDescription("train: validate after round " + (round + 1));
                    lastVal = Validator.evaluate(jsc, val, json, cfg.kernels(), now, 64, ZooGraph.MAIN_OUTPUT, spec.channels(), spec.imageSize());
                    v.put("val_top1", lastVal.top1Accuracy());
                    v.put("val_top5", lastVal.top5Accuracy());
                    v.put("val_loss", lastVal.meanLoss());
                    v.put("val_examples", lastVal.examples());
                    log.printf(Locale.ROOT, "train: validation after round %d: top-1 %.4f, top-5 %.4f, loss %.4f (%d examples)%n",
                            round + 1, lastVal.top1Accuracy(), lastVal.top5Accuracy(), lastVal.meanLoss(), lastVal.examples());
                }
                if (evalSet != null) {
                    jsc.setJobDescription("train: score eval-data (" + evalSet.split() + ") after round " + (round + 1));
                    lastTest = Validator.evaluate(jsc, evalSet.examples(), json, cfg.kernels(), now, 64, ZooGraph.MAIN_OUTPUT,
                            spec.channels(), spec.imageSize());
                    v.put("test_top1", lastTest.top1Accuracy());
                    v.put("test_top5", lastTest.top5Accuracy());
                    v.put("test_loss", lastTest.meanLoss());
                    v.put("test_examples", lastTest.examples());
                    log.printf(Locale.ROOT, "train: eval-data (%s) after round %d: top-1 %.4f, top-5 %.4f, loss %.4f (%d examples)%n",
                            evalSet.split(), round + 1, lastTest.top1Accuracy(), lastTest.top5Accuracy(), lastTest.meanLoss(),
                            lastTest.examples());
                }
                // Wall clock since training started, validation and checkpoints included: what a user waits.
                v.put("wall_seconds", priorSeconds + (System.nanoTime() - loopStart) / 1e9);
                metrics.add(v);
            }
            if ((round + 1) % cfg.checkpointEvery() == 0 || last) {
                checkpoints.write(g, new Checkpoints.State(round + 1, examplesSeen,
                        priorSeconds + (System.nanoTime() - loopStart) / 1e9, metrics, ema, guard.halvings()));
                writeMetrics(files, out, metrics);
            }
        }
        EvalCounts emaVal = null;
        if (val != null && ema != null) {
            emaVal = Validator.evaluate(jsc, val, json, cfg.kernels(), ema, 64, ZooGraph.MAIN_OUTPUT, spec.channels(), spec.imageSize());
            log.printf(Locale.ROOT, "train: EMA model validation: top-1 %.4f, top-5 %.4f%n", emaVal.top1Accuracy(), emaVal.top5Accuracy());
        }
        train.unpersist(false);
        if (val != null) {
            val.unpersist(false);
        }
        if (evalSet != null) {
            evalSet.examples().unpersist(false);
        }
        PartitionData.evict(datasetId);

        double wall = priorSeconds + (System.nanoTime() - loopStart) / 1e9;
        float[] params = g.params().toFloatVector();
        writeModel(files, out + "/model.zip", g, true);
        writeModel(files, out + "/inference-model.zip", InferenceExport.withoutAuxHeads(g), false);
        if (ema != null) {
            ComputationGraph e = g.clone();
            e.setParams(Nd4j.create(ema, g.params().shape()));
            writeModel(files, out + "/ema-model.zip", InferenceExport.withoutAuxHeads(e), false);
        }
        writeMetrics(files, out, metrics);
        files.writeAtomically(out + "/train.conf", cfg.rendered());
        files.writeAtomically(out + "/metadata.json", Json.toJson(metadata));
        Summary summary = new Summary(cfg.family().id(), cfg.width(), totalRounds, (double) totalRounds * k / stepsPerEpoch,
                examplesSeen, examplesSeen / Math.max(wall, 1e-9), lastVal == null ? Double.NaN : lastVal.top1Accuracy(),
                lastVal == null ? Double.NaN : lastVal.top5Accuracy(), lastVal == null ? Double.NaN : lastVal.meanLoss(),
                emaVal == null ? Double.NaN : emaVal.top1Accuracy(), wall, sha256(params), params.length, workers, b, k,
                cfg.seed(), spec.imageSize(), metadata.classes().size(), cfg.effectiveSamplingSeed(),
                lastTest == null ? Double.NaN : lastTest.top1Accuracy(), lastTest == null ? Double.NaN : lastTest.top5Accuracy(),
                lastTest == null ? Double.NaN : lastTest.meanLoss(), lastTest == null ? 0 : lastTest.examples(),
                guard.halvings(), guard.learningRateScale(), kernelReport);
        files.writeAtomically(out + "/summary.json", Json.toJson(summary));
        log.printf(Locale.ROOT, "train: done in %s, %d rounds, %.1f img/s, params sha256 %s%n",
                ProgressMonitor.formatDuration((System.nanoTime() - start) / 1e9), totalRounds, summary.imagesPerSecond(),
                summary.paramsSha256());
        return summary;
    }

    /** The driver role for the current learning rate (the workers' graph carries it, so a halving is a new graph). */
    private static ParameterAveragingMaster master(JavaSparkContext jsc, TrainConfig cfg, WorkerSettings ws,
                                                   DatasetMetadata metadata, int halvings) {
        WorkerSettings current = halvings == 0 ? ws : new WorkerSettings(model(cfg, metadata, halvings).configuration().toJson(),
                ws.batchSize(), ws.averagingFrequency(), ws.seed(), ws.numClasses(), ws.imageSize(), ws.channels(), ws.mean(),
                ws.scale(), ws.augmentation(), ws.prefetch(), ws.kernels());
        return new ParameterAveragingMaster(jsc, new PartitionTrainer(current), cfg.aggregationDepth(),
                cfg.averageUpdaterState());
    }

    /** Puts back the parameters and updater state a discarded round started from. */
    static void restore(ComputationGraph g, RoundState before) {
        g.setParams(Nd4j.create(before.params(), g.params().shape()));
        var view = PartitionTrainer.updaterView(g);
        if (view != null && view.length() > 0) {
            view.assign(Nd4j.create(before.updaterState(), view.shape()));
        }
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

    static void writeMetrics(HadoopFiles files, String out, List<Map<String, Object>> metrics) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Map<String, Object> m : metrics) {
            sb.append(Json.toJsonLine(m)).append('\n');
        }
        files.writeAtomically(out + "/metrics.jsonl", sb.toString());
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
