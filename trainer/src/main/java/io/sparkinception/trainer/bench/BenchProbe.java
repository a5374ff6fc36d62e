package io.sparkinception.trainer.bench;

import io.sparkinception.common.Json;
import io.sparkinception.preprocessing.MetadataIO;
import io.sparkinception.preprocessing.PreprocessConfig;
import io.sparkinception.preprocessing.spark.PreprocessPipeline;
import io.sparkinception.preprocessing.synthetic.SyntheticSigns;
import io.sparkinception.trainer.training.DistributedTrainer;
import io.sparkinception.trainer.training.MetricsLine;
import io.sparkinception.trainer.training.RoundMetrics;
import io.sparkinception.trainer.training.RunRecords;
import io.sparkinception.trainer.training.TrainConfig;
import io.sparkinception.trainer.kernels.KernelRuntime;
import io.sparkinception.trainer.kernels.Kernels;
import io.sparkinception.trainer.models.InceptionZoo;
import io.sparkinception.trainer.models.ModelFamily;
import io.sparkinception.trainer.models.ModelReports;
import io.sparkinception.trainer.models.ModelSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One measurement in a JVM of its own (the parent, {@link BenchRunner}, sets OMP_NUM_THREADS per process): prints one
 * line {@code BENCH {json}}. Probes: {@code sgemm}, {@code fit} (single-process {@code ComputationGraph.fit}),
 * {@code train} (the distributed trainer on {@code local[W]}).
 */
public final class BenchProbe {
    public static final String PREFIX = "BENCH ";

    private BenchProbe() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            a.put(kv[0], kv[1]);
        }
        Map<String, Object> result = switch (args[0]) {
            case "sgemm" -> sgemm(Integer.parseInt(a.getOrDefault("n", "2048")));
            case "fit" -> fit(a);
            case "train" -> train(a);
            default -> throw new IllegalArgumentException("unknown probe " + args[0]);
        };
        result.put("peak_rss_mb", peakRssMb());
        System.out.println(PREFIX + Json.toJsonLine(result));
        System.exit(0);
    }

    /** GFLOP/s of an n x n float matrix product (ND4J mmul on OpenBLAS), best of 5 after one warm-up. */
    static Map<String, Object> sgemm(int n) {
        INDArray x = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray y = Nd4j.rand(DataType.FLOAT, n, n);
        x.mmul(y);
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long t = System.nanoTime();
            x.mmul(y);
            best = Math.min(best, (System.nanoTime() - t) / 1e9);
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("gflops", 2.0 * n * n * n / best / 1e9);
        return r;
    }

    /** Images/s of ComputationGraph.fit on a fixed random batch (aux heads on), after warm-up steps. */
    static Map<String, Object> fit(Map<String, String> a) {
        ModelFamily family = ModelFamily.of(a.getOrDefault("family", "googlenet"));
        int size = Integer.parseInt(a.getOrDefault("size", "75"));
        int batch = Integer.parseInt(a.getOrDefault("batch", "32"));
        int steps = Integer.parseInt(a.getOrDefault("steps", "3"));
        int warmup = Integer.parseInt(a.getOrDefault("warmup", "1"));
        int classes = Integer.parseInt(a.getOrDefault("classes", "43"));
        Kernels kernels = Kernels.of(a.getOrDefault("kernels", "onednn"));
        ModelSpec spec = ModelSpec.defaults(family, classes).withInputSize(size)
                .withWidthMultiplier(Double.parseDouble(a.getOrDefault("width", "1")));
        String workspace = a.getOrDefault("workspace", "");
        ComputationGraph g = KernelRuntime.build(kernels, () -> {
            var conf = InceptionZoo.configure(spec).configuration();
            if (!workspace.isEmpty()) { // ENABLED (DL4J's default) or NONE: what the workspaces cost in memory and speed
                conf.setTrainingWorkspaceMode(org.deeplearning4j.nn.conf.WorkspaceMode.valueOf(workspace));
            }
            ComputationGraph n = new ComputationGraph(conf);
            n.init();
            return n;
        });
        Nd4j.getRandom().setSeed(1);
        INDArray x = Nd4j.rand(DataType.FLOAT, batch, spec.inputChannels(), size, size);
        INDArray y = Nd4j.zeros(DataType.FLOAT, batch, classes);
        for (int i = 0; i < batch; i++) {
            y.putScalar(i, i % classes, 1);
        }
        MultiDataSet mds = InceptionZoo.withLabelsForEveryOutput(g, x, y);
        for (int i = 0; i < warmup; i++) {
            g.fit(mds);
        }
        long t = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            g.fit(mds);
        }
        double seconds = (System.nanoTime() - t) / 1e9;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("images_per_second", steps * batch / seconds);
        r.put("training_gflop_per_image", ModelReports.describe(spec).trainingFlopsPerImage() / 1e9);
        r.put("kernels", io.sparkinception.trainer.kernels.KernelReport.of(g, kernels).summary());
        return r;
    }

    /**
     * The trainer on {@code local[workers]} over a generated dataset (made once under {@code data}): steady-state
     * images/s (rounds after the first) and the round-time breakdown from metrics.jsonl.
     */
    static Map<String, Object> train(Map<String, String> a) throws IOException {
        int workers = Integer.parseInt(a.get("workers"));
        int size = Integer.parseInt(a.getOrDefault("size", "75"));
        String data = a.get("data");
        String out = a.get("out");
        SparkSession spark = SparkSession.builder().master("local[" + workers + "]").appName("bench-train")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        try {
            if (!Files.exists(Path.of(data, "metadata.json"))) {
                Path raw = Path.of(data + "-raw");
                SyntheticSigns.Written w = new SyntheticSigns(12).write(raw, Integer.parseInt(a.getOrDefault("per-class", "60")), 0, 7);
                PreprocessPipeline.run(spark, PreprocessConfig.load(null, Map.of("format", "gtsrb", "input",
                        w.trainCsv().toString(), "output", data, "image-size", Integer.toString(size), "storage", "uint8",
                        "val-fraction", "0", "overwrite", "true")), quiet);
            }
            Map<String, String> flags = new HashMap<>(Map.of("data", data, "output", out, "family",
                    a.getOrDefault("family", "googlenet"), "width", a.getOrDefault("width", "1"), "workers",
                    Integer.toString(workers), "batch-size-per-worker", a.get("batch"), "averaging-frequency", a.get("k"),
                    "max-rounds", a.get("rounds"), "validate-every-epochs", "0", "kernels", a.get("kernels")));
            flags.putAll(Map.of("ema-decay", "0", "checkpoint-every", "100000", "epochs", "1000", "recipe", "sgd-momentum"));
            DistributedTrainer.run(spark, TrainConfig.load(null, flags), quiet);
            List<MetricsLine> lines = RunRecords.parseMetrics(Files.readString(Path.of(out, RunRecords.METRICS)), out);
            double broadcast = 0, fit = 0, round = 0, apply = 0;
            long examples = 0;
            int n = 0;
            long prevSeen = -1;
            for (MetricsLine line : lines) {
                if (!(line instanceof RoundMetrics m)) {
                    continue;
                }
                long seen = m.examplesSeen();
                if (prevSeen >= 0) { // the first round builds the networks and caches the data: skipped
                    broadcast += m.broadcastSeconds();
                    fit += m.fitSecondsPerWorker();
                    round += m.roundSeconds();
                    apply += m.applySeconds();
                    examples += seen - prevSeen;
                    n++;
                }
                prevSeen = seen;
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("images_per_second", examples / (broadcast + round + apply));
            r.put("rounds_measured", n);
            r.put("broadcast_seconds", broadcast / n);
            r.put("fit_seconds_per_worker", fit / n);
            r.put("rest_of_round_seconds", (round - fit) / n);
            r.put("apply_seconds", apply / n);
            return r;
        } finally {
            spark.stop();
        }
    }

    /** VmHWM of this process in MB (ND4J's memory is off-heap: RSS is what counts). */
    static double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
