package io.sparkinception.preprocessing.spark;

import io.sparkinception.common.HadoopFiles;
import io.sparkinception.preprocessing.Cropper;
import io.sparkinception.preprocessing.ImageSource;
import io.sparkinception.preprocessing.PixelStorage;
import io.sparkinception.preprocessing.ShardCompression;
import io.sparkinception.preprocessing.annotations.Annotation;
import io.sparkinception.preprocessing.annotations.SourceSpec;
import io.sparkinception.preprocessing.image.Box;
import io.sparkinception.preprocessing.image.ChannelStats;
import io.sparkinception.preprocessing.image.CropGeometry;
import io.sparkinception.preprocessing.image.FloatImage;
import io.sparkinception.preprocessing.image.ImageDecoder;
import io.sparkinception.preprocessing.image.Interpolation;
import io.sparkinception.preprocessing.image.Resize;
import io.sparkinception.testing.LocalSpark;
import io.sparkinception.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Time per image of each stage of preprocess on the shared GTSRB training images, single-threaded and outside
 * Spark (except the Parquet writes): reading (Hadoop's FileSystem, the JDK, and {@link ImageSource} with its
 * checks), decoding, cropping, resizing, the CHW transpose, the fused {@link Resize#resizeToChw}, the statistics,
 * each storage's encoder, and writing shards with each Parquet codec. Each stage runs over every loaded image once
 * to warm up, then {@code repeats} times timed; the best repeat is reported.
 * Run: {@code ./mvnw -B -o -pl preprocessing test -Dtest=PreprocessStageBenchmark -Dexcluded.test.groups=none};
 * restrict with {@code -Dpreprocess.stages.images=500} (default 1000), {@code -Dpreprocess.stages.sizes=64}
 * (default {@code 64,224}), {@code -Dpreprocess.stages.repeats=1} (default 3) and
 * {@code -Dpreprocess.stages.codecs=snappy} (default every codec of {@link ShardCompression}; empty: no Parquet writes)
 * and {@code -Dpreprocess.stages.pixels-dictionary=false} (see {@link #parquetWrites}); {@code
 * -Dpreprocess.stages.dataset=bccd} times BCCD's 364 640x480 JPEGs, each whole image as one region, instead of GTSRB.
 */
@Tag("benchmark")
class PreprocessStageBenchmark {
    @TempDir
    Path out;

    @Test
    void stagesPerImage() throws Exception {
        int limit = Integer.getInteger("preprocess.stages.images", 1000);
        int repeats = Integer.getInteger("preprocess.stages.repeats", 3);
        int[] sizes = java.util.Arrays.stream(System.getProperty("preprocess.stages.sizes", "64,224").split(","))
                .mapToInt(v -> Integer.parseInt(v.trim())).toArray();
        String codecProperty = System.getProperty("preprocess.stages.codecs", String.join(",", ShardCompression.ids()));
        List<String> codecs = codecProperty.isBlank() ? List.of() : List.of(codecProperty.split(","));

        HadoopFiles files = HadoopFiles.local();
        // gtsrb: each annotation's box; bccd: each 640x480 JPEG once, its whole image as the region (ILSVRC's shape).
        String dataset = System.getProperty("preprocess.stages.dataset", "gtsrb");
        if (!dataset.equals("gtsrb") && !dataset.equals("bccd")) {
            throw new IllegalArgumentException("preprocess.stages.dataset: gtsrb or bccd, got '" + dataset + "'");
        }
        boolean bccd = dataset.equals("bccd");
        SourceSpec source = bccd
                ? new SourceSpec(SourceSpec.Format.VOC, SharedData.data("bccd/BCCD").toString(), "", "", null, true)
                : new SourceSpec(SourceSpec.Format.GTSRB, SharedData.data("gtsrb/Train.csv").toString(), "", "", null, true);
        List<Annotation> annotations = source.reader().read(source, files).annotations();
        if (bccd) {
            java.util.Map<String, Annotation> firstPerImage = new java.util.LinkedHashMap<>();
            annotations.forEach(a -> firstPerImage.putIfAbsent(a.imagePath(), a));
            annotations = new ArrayList<>(firstPerImage.values());
        }
        annotations = annotations.subList(0, Math.min(limit, annotations.size()));
        int n = annotations.size();
        String[] paths = annotations.stream().map(Annotation::imagePath).toArray(String[]::new);
        ImageSource images = ImageSource.under(files.qualifyDir(SharedData.data(bccd ? "bccd/BCCD" : "gtsrb").toString()));
        byte[][] bytes = new byte[n][];
        FloatImage[] decoded = new FloatImage[n];
        Box[] regions = new Box[n];
        for (int i = 0; i < n; i++) {
            bytes[i] = files.readBytes(paths[i]);
            decoded[i] = ImageDecoder.decodeRgb(bytes[i]);
            regions[i] = bccd ? new Box(0, 0, decoded[i].width() - 1, decoded[i].height() - 1)
                    : CropGeometry.region(annotations.get(i).box(), 0, false, decoded[i].width(), decoded[i].height());
        }
        StringBuilder report = new StringBuilder();
        report.append(String.format(Locale.ROOT, "%d %s images, best of %d repeats, microseconds per image%n", n,
                bccd ? "BCCD (whole image)" : "GTSRB", repeats));
        report.append(row("read, Hadoop FileSystem", time(n, repeats, i -> sink(files.readBytes(paths[i])))));
        report.append(row("read, JDK Files", time(n, repeats,
                i -> sink(Files.readAllBytes(java.nio.file.Path.of(java.net.URI.create(files.qualify(paths[i]))))))));
        report.append(row("read, ImageSource (checks + read)", time(n, repeats, i -> sink(images.read(files, paths[i])))));
        report.append(row("decode (ImageIO's decoder only)", time(n, repeats, i -> sink(ImageDecoder.read(bytes[i])))));
        report.append(row("decode to floats (decodeRgb)", time(n, repeats, i -> sink(ImageDecoder.decodeRgb(bytes[i])))));
        java.awt.image.BufferedImage[] buffered = new java.awt.image.BufferedImage[n];
        for (int i = 0; i < n; i++) {
            buffered[i] = ImageDecoder.read(bytes[i]);
        }
        report.append(row("to floats, getSamples per band (before 2026-12-01)", time(n, repeats, i -> sink(samplesToFloats(buffered[i])))));
        for (int size : sizes) {
            Cropper cropper = new Cropper(0, false, Interpolation.BILINEAR, size);
            float[][] chw = new float[n][];
            for (int i = 0; i < n; i++) {
                chw[i] = cropper.cropChw(decoded[i], regions[i]);
            }
            FloatImage[] crops = new FloatImage[n];
            FloatImage[] resized = new FloatImage[n];
            for (int i = 0; i < n; i++) {
                crops[i] = CropGeometry.crop(decoded[i], regions[i]);
                resized[i] = Resize.resize(crops[i], size, size, Interpolation.BILINEAR);
            }
            String px = size + " px: ";
            report.append(row(px + "crop (copy the region)", time(n, repeats, i -> sink(CropGeometry.crop(decoded[i], regions[i])))));
            report.append(row(px + "resize (bilinear, HWC)", time(n, repeats,
                    i -> sink(Resize.resize(crops[i], size, size, Interpolation.BILINEAR)))));
            report.append(row(px + "HWC to CHW", time(n, repeats, i -> sink(resized[i].toChw()))));
            report.append(row(px + "crop + resize + CHW, fused (cropChw)", time(n, repeats,
                    i -> sink(cropper.cropChw(decoded[i], regions[i])))));
            report.append(row(px + "fused, generic tap loops (before 2026-12-01)", time(n, repeats,
                    i -> sink(genericResizeToChw(decoded[i], regions[i], size)))));
            report.append(row(px + "statistics (addChw)", time(n, repeats, i -> sink(ChannelStats.empty(3).addChw(chw[i])))));
            for (PixelStorage storage : PixelStorage.values()) {
                report.append(row(px + "encode " + storage.id(), time(n, repeats, i -> sink(switch (storage) {
                    case FLOAT32 -> PixelStorage.toFloat32(chw[i]);
                    case FLOAT16 -> PixelStorage.toHalf(chw[i]);
                    case UINT8 -> PixelStorage.toUint8(chw[i]);
                }))));
            }
            report.append(parquetWrites(codecs, size, chw, repeats));
        }
        System.out.println("=== PreprocessStageBenchmark (" + Runtime.getRuntime().availableProcessors() + " cores) ===");
        System.out.print(report);
        System.out.println("(sink " + sink + ")");
    }

    /**
     * Writing float16 rows of the shard schema through Spark (local[2], two files), per codec: the encoded pixels are
     * broadcast and the rows built inside the tasks, as the pipeline builds them, so the time is the row conversion
     * and the Parquet write. With {@code -Dpreprocess.stages.pixels-dictionary=false} the pixels column is written
     * without Parquet's dictionary attempt ({@code parquet.enable.dictionary#pixels}).
     */
    private String parquetWrites(List<String> codecs, int size, float[][] chw, int repeats) {
        if (codecs.isEmpty()) {
            return "";
        }
        byte[][] encoded = new byte[chw.length][];
        for (int i = 0; i < chw.length; i++) {
            encoded[i] = PixelStorage.toHalf(chw[i]);
        }
        String dictionary = System.getProperty("preprocess.stages.pixels-dictionary", "true");
        StringBuilder sb = new StringBuilder();
        SparkSession spark = LocalSpark.start("preprocess-stage-benchmark");
        try {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            Broadcast<byte[][]> pixels = jsc.broadcast(encoded);
            List<Integer> ids = java.util.stream.IntStream.range(0, chw.length).boxed().toList();
            for (String codec : codecs) {
                ShardCompression compression = ShardCompression.of(codec);
                double best = Double.MAX_VALUE;
                for (int rep = 0; rep <= repeats; rep++) {
                    JavaRDD<Row> rows = jsc.parallelize(ids, 2).map(i -> {
                        Row box = RowFactory.create(0, 0, size - 1, size - 1);
                        return RowFactory.create("id" + i, "path" + i, i % 43, "class", box, box, size, size, 3,
                                pixels.value()[i], "g" + i, "train", (long) i);
                    });
                    String dir = out.resolve("w" + size + "-" + codec + "-" + rep).toString();
                    long t0 = System.nanoTime();
                    spark.createDataFrame(rows, ShardSchema.schema()).write()
                            .option("compression", compression.id())
                            .option("parquet.enable.dictionary#" + ShardSchema.PIXELS, dictionary).parquet(dir);
                    double us = (System.nanoTime() - t0) / 1e3 / chw.length;
                    best = rep == 0 ? best : Math.min(best, us); // repeat 0 warms up
                }
                sb.append(row(size + " px: Parquet write, float16, " + codec
                        + ("true".equals(dictionary) ? "" : ", no dict"), best));
            }
        } finally {
            spark.stop();
        }
        return sb.toString();
    }

    /** Float RGB from an 8-bit RGB raster the way {@code ImageDecoder} read it before 2026-12-01: getSamples per band. */
    private static float[] samplesToFloats(java.awt.image.BufferedImage image) {
        java.awt.image.Raster raster = image.getRaster();
        int w = raster.getWidth();
        int h = raster.getHeight();
        float[] hwc = new float[w * h * 3];
        int[] samples = new int[w];
        for (int band = 0; band < 3; band++) {
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, band, samples);
                for (int x = 0; x < w; x++) {
                    hwc[3 * (y * w + x) + band] = samples[x];
                }
            }
        }
        return hwc;
    }

    /** Bilinear {@code Resize.resizeToChw} as it was before 2026-12-01: per-value tap arrays, column-wise vertical pass. */
    private static float[] genericResizeToChw(FloatImage src, Box region, int size) {
        int w = region.width();
        int h = region.height();
        int c = src.channels();
        float[] in = src.hwc();
        int srcStride = src.width() * c;
        int origin = region.y1() * srcStride + region.x1() * c;
        int[][] txIndex = new int[size][];
        float[][] txWeight = new float[size][];
        int[][] tyIndex = new int[size][];
        float[][] tyWeight = new float[size][];
        bilinearTaps(w, size, txIndex, txWeight);
        bilinearTaps(h, size, tyIndex, tyWeight);
        int midPlane = h * size;
        float[] mid = new float[c * midPlane];
        for (int y = 0; y < h; y++) {
            int rowIn = origin + y * srcStride;
            for (int x = 0; x < size; x++) {
                int[] idx = txIndex[x];
                float[] wt = txWeight[x];
                for (int ch = 0; ch < c; ch++) {
                    double acc = 0;
                    for (int k = 0; k < idx.length; k++) {
                        acc += wt[k] * in[rowIn + idx[k] * c + ch];
                    }
                    mid[ch * midPlane + y * size + x] = (float) acc;
                }
            }
        }
        int outPlane = size * size;
        float[] out = new float[c * outPlane];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < size; y++) {
                int[] idx = tyIndex[y];
                float[] wt = tyWeight[y];
                int o = ch * outPlane + y * size;
                for (int x = 0; x < size; x++) {
                    double acc = 0;
                    for (int k = 0; k < idx.length; k++) {
                        acc += wt[k] * mid[ch * midPlane + idx[k] * size + x];
                    }
                    out[o + x] = (float) acc;
                }
            }
        }
        return out;
    }

    private static void bilinearTaps(int inSize, int outSize, int[][] index, float[][] weight) {
        double scale = (double) inSize / outSize;
        for (int o = 0; o < outSize; o++) {
            double centre = (o + 0.5) * scale - 0.5;
            int i0 = (int) Math.floor(centre);
            double f = centre - i0;
            index[o] = new int[] {Math.max(0, Math.min(inSize - 1, i0)), Math.max(0, Math.min(inSize - 1, i0 + 1))};
            weight[o] = new float[] {(float) (1 - f), (float) f};
        }
    }

    /** A stage that may throw. */
    private interface Stage {
        void run(int image) throws Exception;
    }

    /** Best microseconds per image over {@code repeats} timed passes after one warm-up pass. */
    private static double time(int n, int repeats, Stage stage) throws Exception {
        double best = Double.MAX_VALUE;
        for (int rep = 0; rep <= repeats; rep++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                stage.run(i);
            }
            double us = (System.nanoTime() - t0) / 1e3 / n;
            best = rep == 0 ? best : Math.min(best, us);
        }
        return best;
    }

    private static String row(String stage, double microsPerImage) {
        return String.format(Locale.ROOT, "%-48s %10.1f us%n", stage, microsPerImage);
    }

    /** Keeps results alive so the JIT cannot drop the work. */
    private static long sink;

    private static void sink(Object o) {
        sink += System.identityHashCode(o) & 1;
    }
}
