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
    /** Fewest records of a shard added so that every core writes one (see {@link #autoShards}). */
    static final int MIN_RECORDS_PER_CORE_SHARD = 256;

    private PreprocessPipeline() {
    }

    /** What a run produced. */
    public record Result(DatasetMetadata metadata, double wallSeconds, double recordsPerSecond) {
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

        DatasetMetadata.Spec written = baseSpec.asWritten();
        Map<Split, List<Planner.ImageTask>> bySplit = tasksBySplit(plan.tasks());
        if (reused == null && !bySplit.containsKey(Split.TRAIN)) {
            throw emptyTrainingSplit();
        }
        CropJob job = new CropJob(Cropper.of(baseSpec), cfg.reads().source(source.confinementRoot()), files,
                spark.sparkContext().longAccumulator("preprocess.records"), written, plan.classes().size());
        Written out;
        try (ProgressMonitor progress = new ProgressMonitor("preprocess", "records", plan.plannedRecords(),
                job.done()::value, cfg.progressSeconds(), log)) {
            out = writeSplits(spark, cfg, job, bySplit, output, files);
        }
        PartitionSummary all = PartitionSummary.skippedOnly(plan.skipped()).merge(out.summary());
        List<Skipped> skipped = all.skipped();
        Map<Split, long[]> perClass = all.perClass();
        Map<String, Long> perSplit = out.perSplit();
        Map<String, Integer> shardCounts = out.shards();
        DatasetMetadata.Spec spec = reused != null ? written : withStats(written, all.trainStats());

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

    /**
     * What the executors need to turn image tasks into shard rows: plain values only (the cropper, the confined image
     * source, the file system, the progress counter, the written spec, the class count).
     */
    record CropJob(Cropper cropper, ImageSource images, HadoopFiles files, LongAccumulator done,
                   DatasetMetadata.Spec spec, int classes) implements Serializable {

        /** The shard rows of one partition's tasks, reporting its summary to {@code summaries} at the end. */
        Iterator<Row> rows(int partition, Iterator<Planner.ImageTask> tasks, PartitionSummaries summaries) {
            return new ShardRows(outcomes(tasks), partition, spec, classes, summaries);
        }

        /** Lazily crops the images of a partition: one image's outcomes in memory at a time. */
        private Iterator<Cropper.Outcome> outcomes(Iterator<Planner.ImageTask> tasks) {
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
    }

    /** What the writes produced: the merged summary of every split, records and Parquet files per split written. */
    private record Written(PartitionSummary summary, Map<String, Long> perSplit, Map<String, Integer> shards) {
    }

    /** Writes every split in split order; a split whose every record was skipped leaves no directory. */
    private static Written writeSplits(SparkSession spark, PreprocessConfig cfg, CropJob job,
                                       Map<Split, List<Planner.ImageTask>> bySplit, String output, HadoopFiles files)
            throws IOException {
        PartitionSummary all = PartitionSummary.empty();
        Map<String, Long> perSplit = new LinkedHashMap<>();
        Map<String, Integer> shards = new LinkedHashMap<>();
        for (Map.Entry<Split, List<Planner.ImageTask>> e : bySplit.entrySet()) {
            Split split = e.getKey();
            String dir = output + "/" + split.id();
            PartitionSummary s = writeSplit(spark, cfg, job, split, e.getValue(), dir);
            all = all.merge(s);
            long n = s.written(split);
            if (n == 0) {
                files.deleteRecursively(dir);
            } else {
                perSplit.put(split.id(), n);
                shards.put(split.id(), files.list(dir, ".parquet").size());
            }
        }
        return new Written(all, perSplit, shards);
    }

    /**
     * The image tasks of each split (in split order), each task holding only its jobs of that split: an image whose
     * boxes all share a split (every image of gtsrb and voc, and of csv without a split column) is read once.
     */
    static Map<Split, List<Planner.ImageTask>> tasksBySplit(List<Planner.ImageTask> tasks) {
        Map<Split, List<Planner.ImageTask>> bySplit = new EnumMap<>(Split.class);
        for (Planner.ImageTask task : tasks) {
            Map<Split, List<Planner.Job>> jobs = new EnumMap<>(Split.class);
            task.jobs().forEach(j -> jobs.computeIfAbsent(j.split(), k -> new ArrayList<>()).add(j));
            jobs.forEach((split, js) -> bySplit.computeIfAbsent(split, k -> new ArrayList<>())
                    .add(js.size() == task.jobs().size() ? task : new Planner.ImageTask(task.imagePath(), js)));
        }
        return bySplit;
    }

    /**
     * Four tasks per core and at least one per 512 images: the crops of a split are summed for the statistics per
     * partition, then merged in partition order.
     */
    static int autoPartitions(int parallelism, int images) {
        return (int) Math.max(parallelism * 4L, (images + 511) / 512);
    }

    /**
     * One shard per {@link #RECORDS_PER_SHARD} records, and one per core ({@code parallelism}) as long as each
     * holds at least {@link #MIN_RECORDS_PER_CORE_SHARD}: the shard tasks are the ones that read and crop the
     * images, so a small split still uses every core.
     */
    static int autoShards(int parallelism, long records) {
        long bySize = (records + RECORDS_PER_SHARD - 1) / RECORDS_PER_SHARD;
        long byCores = Math.min(parallelism, records / MIN_RECORDS_PER_CORE_SHARD);
        return (int) Math.max(1, Math.max(bySize, byCores));
    }

    /**
     * Reads, crops and writes one split in one pass, without a shuffle or a cache: the tasks are in input (seq)
     * order, so the image partitions are coalesced into {@code shards} contiguous runs, each written as one Parquet
     * file in seq order; memory stays flat whatever the image size.
     *
     * @return the summary of the split's records, merged in partition order
     */
    private static PartitionSummary writeSplit(SparkSession spark, PreprocessConfig cfg, CropJob job, Split split,
                                               List<Planner.ImageTask> tasks, String path) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        long records = tasks.stream().mapToLong(t -> t.jobs().size()).sum();
        int partitions = cfg.partitions() > 0 ? cfg.partitions() : autoPartitions(jsc.defaultParallelism(), tasks.size());
        partitions = Math.max(1, Math.min(partitions, tasks.size()));
        int shards = (int) Math.min(partitions, cfg.shards() > 0 ? Math.min(cfg.shards(), records)
                : autoShards(jsc.defaultParallelism(), records));
        jsc.setJobGroup("preprocess", "preprocess: read, crop and write " + split.id() + " (" + records + " records, "
                + shards + " shards)", false);
        PartitionSummaries summaries = new PartitionSummaries();
        spark.sparkContext().register(summaries, "preprocess." + split.id());
        JavaRDD<Row> rows = jsc.parallelize(tasks, partitions)
                .mapPartitionsWithIndex((index, it) -> job.rows(index, it, summaries), true)
                .rdd().coalesce(shards, false, Option.apply(new ContiguousCoalescer()), null)
                .toJavaRDD();
        spark.createDataFrame(rows, ShardSchema.schema()).write().mode(SaveMode.Overwrite)
                .option("compression", cfg.compression().id()).parquet(path);
        return summaries.merged();
    }

    private static DatasetMetadata.Spec withStats(DatasetMetadata.Spec s, ChannelStats stats) {
        if (stats.pixels() == 0) {
            throw emptyTrainingSplit();
        }
        return s.withStats(stats.mean(), stats.std(), stats.pixels());
    }

    private static IllegalArgumentException emptyTrainingSplit() {
        return new IllegalArgumentException("the training split is empty, so there is no mean to subtract: "
                + "check --split and --val-fraction, or pass --reuse-spec to use an earlier run's mean");
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
