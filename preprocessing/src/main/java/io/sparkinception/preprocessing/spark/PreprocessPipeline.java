package io.sparkinception.preprocessing.spark;

import io.sparkinception.preprocessing.Cropper;
import io.sparkinception.preprocessing.DatasetMetadata;
import io.sparkinception.preprocessing.ImageSource;
import io.sparkinception.preprocessing.MetadataIO;
import io.sparkinception.preprocessing.Planner;
import io.sparkinception.preprocessing.PreprocessConfig;
import io.sparkinception.preprocessing.annotations.ClassInfo;
import io.sparkinception.preprocessing.annotations.ReadResult;
import io.sparkinception.preprocessing.annotations.SkipReason;
import io.sparkinception.preprocessing.annotations.Skipped;
import io.sparkinception.preprocessing.annotations.SkippedCsv;
import io.sparkinception.preprocessing.annotations.SourceSpec;
import io.sparkinception.preprocessing.annotations.Split;
import io.sparkinception.preprocessing.image.ChannelStats;
import io.sparkinception.preprocessing.image.FloatImage;
import io.sparkinception.common.HadoopFiles;
import io.sparkinception.common.OutputSwap;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import scala.Option;

/**
 * The preprocessing job: annotations are read and validated on the driver; images are read, decoded, cropped
 * and resized on the executors (each image once); the per-channel mean and std are computed on the training
 * split; every split is normalized and written as Parquet shards; metadata.json is written last.
 */
public final class PreprocessPipeline {
    /** Records per shard when the shard count is automatic. */
    static final int RECORDS_PER_SHARD = 2048;
    /** Cropped float pixels per image-reading partition when partitions are automatic. */
    static final long BYTES_PER_PARTITION = 48L << 20;

    private PreprocessPipeline() {
    }

    /** What a run produced. */
    public record Result(DatasetMetadata metadata, double wallSeconds, double recordsPerSecond) {
    }

    /** Per-partition summary of the crop outcomes: training statistics, skips, counts. */
    record PartitionSummary(ChannelStats trainStats, List<Skipped> skipped, Map<Split, long[]> perClass)
            implements Serializable {
    }

    /**
     * Runs preprocessing into {@code cfg.output()}. An existing output is refused unless it holds a finished run
     * and {@code overwrite} is set; the run writes into a sibling temporary directory and replaces the output
     * only when it has succeeded (see {@link OutputSwap}), so a failing run never costs the previous result.
     */
    public static Result run(SparkSession spark, PreprocessConfig cfg, PrintStream log) throws IOException {
        HadoopFiles files = HadoopFiles.of(spark.sparkContext().hadoopConfiguration());
        try (OutputSwap swap = OutputSwap.directory(files, files.qualifyDir(cfg.output()), cfg.overwrite(), "preprocess",
                dir -> isFinishedRun(files, dir))) {
            Result result = runInto(spark, cfg, files, swap.dir(), log);
            swap.commit();
            return result;
        }
    }

    private static Result runInto(SparkSession spark, PreprocessConfig cfg, HadoopFiles files, String output,
                                  PrintStream log) throws IOException {
        long start = System.nanoTime();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        DatasetMetadata reused = cfg.spec() instanceof PreprocessConfig.ReusedSpec r ? MetadataIO.read(files, r.metadataJson()) : null;
        // Executors resolve relative paths against their own working directories: qualify every path here.
        SourceSpec source = cfg.source().qualified(files);
        ReadResult read = source.reader().read(source, files);
        List<ClassInfo> fixedClasses = reused != null ? reused.classes() : read.sourceClasses();
        Planner.Plan plan = Planner.plan(read, cfg.source().format(), fixedClasses, cfg.split(), cfg.valFraction(), cfg.seed());
        if (plan.classes().isEmpty()) {
            throw new IllegalArgumentException("no classes: " + cfg.source().input() + " has no usable labelled record ("
                    + plan.skipped().size() + " skipped)");
        }
        DatasetMetadata.Spec baseSpec = cfg.spec() instanceof PreprocessConfig.NewSpec own ? own.metadataSpec() : reused.spec();
        log.printf(Locale.ROOT, "preprocess: %d input records, %d images to read, %d skipped before reading, %d classes%n",
                plan.inputRecords(), plan.tasks().size(), plan.skipped().size(), plan.classes().size());

        int partitions = cfg.partitions() > 0 ? cfg.partitions() : autoPartitions(jsc.defaultParallelism(),
                plan.tasks().size(), plan.plannedRecords(), baseSpec.imageSize());
        partitions = Math.max(1, Math.min(partitions, Math.max(1, plan.tasks().size())));
        Cropper cropper = Cropper.of(baseSpec);
        ImageSource images = cfg.reads().source(source.confinementRoot());
        LongAccumulator done = spark.sparkContext().longAccumulator("preprocess.records");
        jsc.setJobGroup("preprocess", "preprocess: read, crop and resize " + plan.tasks().size() + " images", false);
        JavaRDD<Cropper.Outcome> outcomes = jsc.parallelize(plan.tasks(), partitions)
                .mapPartitions(it -> cropAll(it, cropper, images, files, done))
                .persist(cacheLevel(spark, cfg.cacheLevel(), plan.plannedRecords(), baseSpec.imageSize(), log));
        List<PartitionSummary> summaries;
        try (ProgressMonitor progress = new ProgressMonitor("preprocess", "records", plan.plannedRecords(),
                done::value, cfg.progressSeconds(), log)) {
            int classes = plan.classes().size();
            summaries = outcomes.mapPartitions(it -> List.of(summarize(it, classes)).iterator()).collect();
        }
        // Merge in partition order: the same input gives the same bits on any cluster.
        ChannelStats stats = ChannelStats.empty(3);
        List<Skipped> skipped = new ArrayList<>(plan.skipped());
        Map<Split, long[]> perClass = new EnumMap<>(Split.class);
        for (PartitionSummary s : summaries) {
            stats = stats.merge(s.trainStats());
            skipped.addAll(s.skipped());
            s.perClass().forEach((split, counts) -> {
                long[] acc = perClass.computeIfAbsent(split, k -> new long[counts.length]);
                for (int i = 0; i < counts.length; i++) {
                    acc[i] += counts[i];
                }
            });
        }
        DatasetMetadata.Spec spec = reused != null ? reused.spec() : withStats(baseSpec, stats);

        Map<String, Integer> shardCounts = new LinkedHashMap<>();
        Map<String, Long> perSplit = new LinkedHashMap<>();
        for (Split split : Split.values()) {
            long[] counts = perClass.get(split);
            long written = counts == null ? 0 : java.util.Arrays.stream(counts).sum();
            if (written == 0) {
                continue;
            }
            int shards = cfg.shards() > 0 ? (int) Math.min(cfg.shards(), written)
                    : (int) Math.max(1, (written + RECORDS_PER_SHARD - 1) / RECORDS_PER_SHARD);
            jsc.setJobGroup("preprocess", "preprocess: write " + split.id() + " (" + written + " records, "
                    + shards + " shards)", false);
            shardCounts.put(split.id(), writeSplit(spark, outcomes, split, shards, spec, output + "/" + split.id(), files));
            perSplit.put(split.id(), written);
        }
        outcomes.unpersist(false);

        long writtenTotal = perSplit.values().stream().mapToLong(Long::longValue).sum();
        Map<String, Long> byReason = new TreeMap<>();
        skipped.forEach(s -> byReason.merge(s.reason().id(), 1L, Long::sum));
        Map<String, long[]> perClassOut = new LinkedHashMap<>();
        perClass.forEach((k, v) -> perClassOut.put(k.id(), v));
        DatasetMetadata.Counts counts = new DatasetMetadata.Counts(plan.inputRecords(), writtenTotal, skipped.size(),
                perSplit, perClassOut, byReason);
        if (!counts.reconciles()) {
            throw new IllegalStateException("counts do not reconcile: " + plan.inputRecords() + " input records, "
                    + writtenTotal + " written, " + skipped.size() + " skipped");
        }
        DatasetMetadata metadata = new DatasetMetadata(DatasetMetadata.FORMAT_VERSION, Instant.now().toString(),
                createdBy(spark), input(cfg, files), spec, plan.classes(), counts, shardCounts, skipped);
        files.writeAtomically(output + "/skipped.csv", SkippedCsv.withoutPaths(skipped));
        MetadataIO.write(files, output, metadata);
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(metadata, seconds, plan.inputRecords() / Math.max(seconds, 1e-9));
    }

    /** Lazily crops the images of a partition: one image's outcomes in memory at a time. */
    private static Iterator<Cropper.Outcome> cropAll(Iterator<Planner.ImageTask> tasks, Cropper cropper,
                                                     ImageSource images, HadoopFiles files, LongAccumulator done) {
        return new Iterator<>() {
            private Iterator<Cropper.Outcome> current = java.util.Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && tasks.hasNext()) {
                    List<Cropper.Outcome> r = cropper.process(tasks.next(), files, images);
                    done.add(r.size());
                    current = r.iterator();
                }
                return current.hasNext();
            }

            @Override
            public Cropper.Outcome next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                return current.next();
            }
        };
    }

    static PartitionSummary summarize(Iterator<Cropper.Outcome> it, int classes) {
        ChannelStats stats = ChannelStats.empty(3);
        List<Skipped> skipped = new ArrayList<>();
        Map<Split, long[]> perClass = new EnumMap<>(Split.class);
        while (it.hasNext()) {
            Cropper.Outcome o = it.next();
            if (!o.written()) {
                skipped.add(o.skipped());
                continue;
            }
            perClass.computeIfAbsent(o.job().split(), k -> new long[classes])[o.job().labelIndex()]++;
            if (o.job().split() == Split.TRAIN) {
                int size = (int) Math.round(Math.sqrt(o.chw().length / 3.0));
                stats = stats.add(FloatImage.fromChw(size, size, 3, o.chw()));
            }
        }
        return new PartitionSummary(stats, skipped, perClass);
    }

    /**
     * The storage level of the cached crops (kept between the statistics pass and the writes). {@code auto}:
     * serialized in memory (spilling to disk) when the crops take at most a quarter of the executors' memory, else
     * on disk only: at 224 px the float crops of a few thousand images already exceed a small heap, and filling the
     * heap with cached blocks ends in an OutOfMemoryError rather than a spill.
     */
    static StorageLevel cacheLevel(SparkSession spark, String setting, long records, int imageSize, PrintStream log) {
        if (!setting.equalsIgnoreCase("auto")) {
            return StorageLevel.fromString(setting);
        }
        long bytes = records * 3L * imageSize * imageSize * Float.BYTES;
        org.apache.spark.SparkConf conf = spark.sparkContext().getConf();
        boolean local = spark.sparkContext().isLocal();
        long perExecutor = local ? Runtime.getRuntime().maxMemory() : conf.getSizeAsBytes("spark.executor.memory", "1g");
        int executors = local ? 1 : Math.max(1, spark.sparkContext().getExecutorMemoryStatus().size() - 1);
        long budget = perExecutor / 4 * executors;
        StorageLevel level = bytes <= budget ? StorageLevel.MEMORY_AND_DISK_SER() : StorageLevel.DISK_ONLY();
        log.printf(Locale.ROOT, "preprocess: caching %.0f MB of crops %s%n", bytes / 1e6,
                bytes <= budget ? "in memory (spilling to disk)" : "on disk (more than a quarter of executor memory)");
        return level;
    }

    /**
     * Four tasks per core, at least one per 512 images, and at most {@link #BYTES_PER_PARTITION} of cropped
     * float pixels per partition (the crops are cached between the statistics pass and the writes).
     */
    static int autoPartitions(int parallelism, int images, long records, int imageSize) {
        long bytes = records * 3L * imageSize * imageSize * Float.BYTES;
        long byBytes = (bytes + BYTES_PER_PARTITION - 1) / BYTES_PER_PARTITION;
        return (int) Math.max(Math.max(parallelism * 4L, (images + 511) / 512), byBytes);
    }

    /**
     * Writes a split without a shuffle: the crops are already in input (seq) order, so the image partitions are
     * coalesced into {@code shards} contiguous runs, each written as one Parquet file in seq order. Memory stays
     * flat whatever the image size (a shuffle would sort every crop of the split).
     *
     * @return the number of Parquet files written
     */
    private static int writeSplit(SparkSession spark, JavaRDD<Cropper.Outcome> outcomes, Split split, int shards,
                                  DatasetMetadata.Spec spec, String path, HadoopFiles files) throws IOException {
        JavaRDD<Cropper.Outcome> mine = outcomes.filter(o -> o.written() && o.job().split() == split);
        JavaRDD<Row> rows = mine.rdd().coalesce(shards, false, Option.apply(new ContiguousCoalescer()), null)
                .toJavaRDD().map(o -> ShardSchema.toRow(o, spec));
        spark.createDataFrame(rows, ShardSchema.schema(spec.pixelStorage())).write().mode(SaveMode.Overwrite).parquet(path);
        return files.list(path, ".parquet").size();
    }

    private static DatasetMetadata.Spec withStats(DatasetMetadata.Spec s, ChannelStats stats) {
        if (stats.pixels() == 0) {
            throw new IllegalArgumentException("the training split is empty, so there is no mean to subtract: "
                    + "check --split and --val-fraction, or pass --reuse-spec to use an earlier run's mean");
        }
        return new DatasetMetadata.Spec(s.imageSize(), s.channels(), s.layout(), s.storage(), s.interpolation(),
                s.margin(), s.square(), s.scaleByStd(), stats.mean(), stats.std(), stats.pixels());
    }

    /** A directory holds a finished run of preprocess when its metadata.json reads as ours. */
    static boolean isFinishedRun(HadoopFiles files, String dir) {
        try {
            MetadataIO.read(files, dir);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static DatasetMetadata.Input input(PreprocessConfig cfg, HadoopFiles files) {
        return new DatasetMetadata.Input(cfg.source().format().id(), files.qualify(cfg.source().input()),
                cfg.source().imagesRoot(), cfg.source().classNames(), cfg.split() == null ? "auto" : cfg.split().id(),
                cfg.valFraction(), cfg.seed(), cfg.reuseSpec() == null ? "" : cfg.reuseSpec());
    }

    static Map<String, String> createdBy(SparkSession spark) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("tool", "spark-inception preprocess");
        String v = PreprocessPipeline.class.getPackage().getImplementationVersion();
        m.put("version", v == null ? "dev" : v);
        m.put("spark", spark.version());
        m.put("java", System.getProperty("java.version"));
        return m;
    }

    /** A one-screen summary of a finished run. */
    public static String summaryTable(Result r) {
        DatasetMetadata.Counts c = r.metadata().counts();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-22s %10s%n", "split / reason", "records"));
        c.perSplit().forEach((k, v) -> sb.append(String.format(Locale.ROOT, "%-22s %10d%n", "written " + k, v)));
        c.skippedByReason().forEach((k, v) -> sb.append(String.format(Locale.ROOT, "%-22s %10d%n", "skipped " + k, v)));
        sb.append(String.format(Locale.ROOT, "%-22s %10d  (= %d written + %d skipped)%n", "input records",
                c.inputRecords(), c.written(), c.skipped()));
        double[] mean = r.metadata().spec().mean();
        double[] std = r.metadata().spec().std();
        sb.append(String.format(Locale.ROOT, "mean (train) R %.3f G %.3f B %.3f, std R %.3f G %.3f B %.3f%n",
                mean[0], mean[1], mean[2], std[0], std[1], std[2]));
        sb.append(String.format(Locale.ROOT, "%.1f s, %.1f records/s%n", r.wallSeconds(), r.recordsPerSecond()));
        return sb.toString();
    }
}
