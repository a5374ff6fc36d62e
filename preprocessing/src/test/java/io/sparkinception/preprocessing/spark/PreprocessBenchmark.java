package io.sparkinception.preprocessing.spark;

import io.sparkinception.preprocessing.ImageSource;
import io.sparkinception.preprocessing.PixelStorage;
import io.sparkinception.preprocessing.PreprocessConfig;
import io.sparkinception.preprocessing.ShardCompression;
import io.sparkinception.preprocessing.annotations.Annotation;
import io.sparkinception.preprocessing.annotations.ReadResult;
import io.sparkinception.preprocessing.annotations.SourceSpec;
import io.sparkinception.preprocessing.image.Box;
import io.sparkinception.preprocessing.image.Interpolation;
import io.sparkinception.common.HadoopFiles;
import io.sparkinception.testing.LocalSpark;
import io.sparkinception.testing.SharedData;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.io.output.NullOutputStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Preprocessing throughput against decode-only throughput of the same files on the same cores, in one run; the
 * Parquet bytes per image of each storage option; and of each Parquet codec.
 * Run: {@code ./mvnw -B -pl preprocessing test -Dtest=PreprocessBenchmark -Dexcluded.test.groups=none}. The data is
 * {@code -Dpreprocess.benchmark.dataset=gtsrb} (default: the shared GTSRB training images, one small image per record),
 * {@code bccd-boxes} (BCCD's 640x480 JPEGs, every VOC box a record, about 13 per image) or {@code bccd-whole} (the same
 * JPEGs, one record per image cropping the whole image: the shape of ILSVRC classification data); the BCCD sets list
 * {@code -Dpreprocess.benchmark.copies=8} copies of the 364 images (copied into a temporary folder, so each is read and
 * decoded as a distinct file). The ratio is the time decode-only takes over the job's images (each distinct image
 * once) divided by the time the whole preprocess job takes. Restrict with
 * {@code -Dpreprocess.benchmark.sizes=224} (default {@code 64,224}), {@code -Dpreprocess.benchmark.repeats=1} (default 2),
 * {@code -Dpreprocess.benchmark.storage=uint8} (the storage of the timed jobs, default {@code float32}),
 * {@code -Dpreprocess.benchmark.storages=false} (skip the storage table) and
 * {@code -Dpreprocess.benchmark.codecs=snappy,zstd} (the Parquet codecs compared at 64 px with float16 storage;
 * default every {@link ShardCompression}; empty: skip the codec table).
 */
@Tag("benchmark")
class PreprocessBenchmark {
    @TempDir
    Path out;

    @Test
    void gtsrbThroughputAndStorageSizes() throws Exception {
        SparkSession spark = LocalSpark.start("preprocess-benchmark");
        try {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            HadoopFiles files = HadoopFiles.of(spark.sparkContext().hadoopConfiguration());
            StringBuilder report = new StringBuilder();
            String dataset = System.getProperty("preprocess.benchmark.dataset", "gtsrb");
            SourceSpec source = switch (dataset) {
                case "gtsrb" -> new SourceSpec(SourceSpec.Format.GTSRB, SharedData.data("gtsrb/Train.csv").toString(),
                        "", SharedData.data("gtsrb/signnames.csv").toString(), null, true);
                case "bccd-boxes", "bccd-whole" -> bccdCopies(files, dataset.equals("bccd-whole"),
                        Integer.getInteger("preprocess.benchmark.copies", 8));
                default -> throw new IllegalArgumentException("preprocess.benchmark.dataset: gtsrb, bccd-boxes or bccd-whole");
            };
            ReadResult read = source.reader().read(source, files);
            List<String> paths = read.annotations().stream().map(a -> a.imagePath()).distinct().toList();
            report.append(String.format(Locale.ROOT, "dataset %s: %d records, %d distinct images%n", dataset,
                    read.annotations().size(), paths.size()));
            ImageSource images = PreprocessConfig.Reads.DEFAULT.source(source.qualified(files).confinementRoot());
            PrintStream quiet = new PrintStream(NullOutputStream.INSTANCE);
            int repeats = Integer.getInteger("preprocess.benchmark.repeats", 2);
            int[] sizes = java.util.Arrays.stream(System.getProperty("preprocess.benchmark.sizes", "64,224").split(","))
                    .mapToInt(v -> Integer.parseInt(v.trim())).toArray();
            PixelStorage timedStorage = PixelStorage.of(System.getProperty("preprocess.benchmark.storage", "float32"));
            for (int size : sizes) {
                for (int rep = 0; rep < repeats; rep++) {
                    // Decode only: the same files, the same cores (local[2]), the same partitioning, read as preprocess
                    // reads them (ImageSource: the confinement checks, then the JDK for local files), nothing else.
                    long t0 = System.nanoTime();
                    long decoded = jsc.parallelize(paths, 8).map(p -> images.decode(images.read(files, p), p).width()).count();
                    double decodeSec = (System.nanoTime() - t0) / 1e9;
                    PreprocessConfig cfg = PreprocessConfig.builder(source, out.resolve("p" + size + "-" + rep).toString())
                            .newSpec(new PreprocessConfig.NewSpec(size,
                                    new PreprocessConfig.CropSpec(0, false, Interpolation.BILINEAR), timedStorage, false))
                            .progressSeconds(60).overwrite(true).build();
                    PreprocessPipeline.Result r = PreprocessPipeline.run(spark, cfg, quiet);
                    report.append(String.format(Locale.ROOT,
                            "size %3d run %d: decode-only %7.1f img/s (%.2f s), preprocess %7.1f records/s %7.1f img/s"
                                    + " (%.2f s), ratio %.2f%n",
                            size, rep, decoded / decodeSec, decodeSec, r.recordsPerSecond(), paths.size() / r.wallSeconds(),
                            r.wallSeconds(), decodeSec / r.wallSeconds()));
                }
            }
            boolean storages = Boolean.parseBoolean(System.getProperty("preprocess.benchmark.storages", "true"));
            for (PixelStorage storage : storages ? PixelStorage.values() : new PixelStorage[0]) {
                report.append(sizeAndSpeed(spark, source, out.resolve("s-" + storage.id()), storage,
                        ShardCompression.SNAPPY, String.format(Locale.ROOT, "storage %-7s 64 px", storage.id()), quiet));
            }
            String codecs = System.getProperty("preprocess.benchmark.codecs", String.join(",", ShardCompression.ids()));
            for (String codec : codecs.isBlank() ? new String[0] : codecs.split(",")) {
                ShardCompression compression = ShardCompression.of(codec);
                report.append(sizeAndSpeed(spark, source, out.resolve("c-" + compression.id()), PixelStorage.FLOAT16,
                        compression, String.format(Locale.ROOT, "codec %-12s float16 64 px", compression.id()), quiet));
            }
            System.out.println("=== PreprocessBenchmark (" + Runtime.getRuntime().availableProcessors() + " cores, local[2]) ===");
            System.out.print(report);
        } finally {
            spark.stop();
        }
    }

    /**
     * A csv source over {@code copies} copies of BCCD's JPEGs in a temporary folder: every VOC box of an image as a
     * record, or ({@code whole}) one record per image whose box is the whole image (its size as the VOC file declares
     * it), labelled with its first box's class.
     */
    private SourceSpec bccdCopies(HadoopFiles files, boolean whole, int copies) throws Exception {
        SourceSpec voc = new SourceSpec(SourceSpec.Format.VOC, SharedData.data("bccd/BCCD").toString(), "", "", null, true);
        Map<String, List<Annotation>> byImage = voc.reader().read(voc, files).annotations().stream()
                .collect(Collectors.groupingBy(Annotation::sourcePath, LinkedHashMap::new, Collectors.toList()));
        Path images = Files.createDirectories(out.resolve("bccd-images"));
        StringBuilder csv = new StringBuilder("path,label,xmin,ymin,xmax,ymax\n");
        for (int c = 0; c < copies; c++) {
            for (Map.Entry<String, List<Annotation>> image : byImage.entrySet()) {
                String name = c + "-" + Path.of(image.getKey()).getFileName();
                Files.copy(SharedData.data("bccd/BCCD/JPEGImages").resolve(image.getKey()), images.resolve(name));
                Annotation first = image.getValue().get(0);
                List<Box> boxes = whole ? List.of(new Box(0, 0, first.declaredWidth() - 1, first.declaredHeight() - 1))
                        : image.getValue().stream().map(Annotation::box).toList();
                for (int i = 0; i < boxes.size(); i++) {
                    Box box = boxes.get(i);
                    String label = whole ? first.label() : image.getValue().get(i).label();
                    csv.append(String.join(",", name, label, String.valueOf(box.x1()), String.valueOf(box.y1()),
                            String.valueOf(box.x2()), String.valueOf(box.y2()))).append('\n');
                }
            }
        }
        Path csvFile = out.resolve("bccd.csv");
        Files.writeString(csvFile, csv);
        return new SourceSpec(SourceSpec.Format.CSV, csvFile.toString(), images.toString(), "", null, true);
    }

    /** Preprocesses at 64 px with one storage and codec, then reads the train shards back: one report line. */
    private static String sizeAndSpeed(SparkSession spark, SourceSpec source, Path dir, PixelStorage storage,
                                       ShardCompression compression, String label, PrintStream quiet) throws Exception {
        PreprocessConfig cfg = PreprocessConfig.builder(source, dir.toString()).newSpec(new PreprocessConfig.NewSpec(64,
                new PreprocessConfig.CropSpec(0, false, Interpolation.BILINEAR), storage, false))
                .compression(compression).progressSeconds(60).overwrite(true).build();
        PreprocessPipeline.Result r = PreprocessPipeline.run(spark, cfg, quiet);
        long n = r.metadata().counts().perSplit().get("train");
        long t0 = System.nanoTime();
        io.sparkinception.preprocessing.DatasetMetadata.Spec spec = r.metadata().spec();
        long rows = spark.read().parquet(dir.resolve("train").toString()).javaRDD()
                .map(row -> ShardSchema.pixels(row, spec).length).count();
        double readSec = (System.nanoTime() - t0) / 1e9;
        return String.format(Locale.ROOT, "%s: %8.0f bytes/image (raw float32 %d), preprocess %.1f img/s, read+decode %.0f img/s (%d rows)%n",
                label, (double) parquetBytes(dir.resolve("train")) / n, 3 * 64 * 64 * 4, r.recordsPerSecond(), n / readSec, rows);
    }

    private static long parquetBytes(Path splitDir) throws java.io.IOException {
        try (Stream<Path> s = Files.walk(splitDir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".parquet")).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
