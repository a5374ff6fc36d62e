package io.sparkinception.trainer.models;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Forward+backward throughput and peak memory per family and input size (training graph with aux heads, 1000
 * classes, full width, each family's own recipe), with the FLOP count per image and the SGEMM rate measured in the
 * same run, so efficiency = achieved FLOP/s / SGEMM FLOP/s.
 *
 * <p>Each (family, size) runs in a fresh JVM so its peak RSS ({@code VmHWM} from {@code /proc/self/status}; ND4J's
 * memory is off-heap) is its own. Threads: whatever {@code OMP_NUM_THREADS} says (surefire sets 1).
 *
 * <p>Run: {@code mvn -B -q -o -pl trainer test -Dtest=ZooBenchmark -Dexcluded.test.groups=none
 * -Dzoo.benchmark.sizes=75,96,default -Dzoo.benchmark.batch=32 -Dzoo.benchmark.steps=3
 * -Dzoo.benchmark.out=target/zoo-benchmark.md}
 */
@Tag("benchmark")
class ZooBenchmark {

    /** One measured configuration. */
    record Row(String family, int size, int batch, long params, long trainingFlopsPerImage, double imagesPerSecond,
               long peakRssKb) {
        double achievedGflops() {
            return imagesPerSecond * trainingFlopsPerImage / 1e9;
        }
    }

    @Test
    void measure() throws Exception {
        List<String> sizes = List.of(System.getProperty("zoo.benchmark.sizes", "75,96,default").split(","));
        int batch = Integer.getInteger("zoo.benchmark.batch", 32);
        int steps = Integer.getInteger("zoo.benchmark.steps", 3);
        List<ModelFamily> families = new ArrayList<>();
        for (String f : System.getProperty("zoo.benchmark.families", String.join(",", ModelFamily.ids())).split(",")) {
            families.add(ModelFamily.of(f));
        }
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        double sgemmBefore = sgemmGflops();
        List<Row> rows = new ArrayList<>();
        for (ModelFamily family : families) {
            for (String s : sizes) {
                int size = s.trim().equals("default") ? family.net().defaultInputSize() : Integer.parseInt(s.trim());
                rows.add(runInFreshJvm(family, size, batch, steps));
            }
        }
        double sgemmAfter = sgemmGflops();
        String loadAfter = Files.readString(Path.of("/proc/loadavg")).trim();
        String report = render(rows, batch, steps, sgemmBefore, sgemmAfter, loadBefore, loadAfter);
        System.out.println(report);
        String out = System.getProperty("zoo.benchmark.out");
        if (out != null) {
            Files.writeString(Path.of(out), report);
        }
    }

    /** Child-JVM entry point: {@code <family> <size> <batch> <steps>}; prints one {@code RESULT} line. */
    public static void main(String[] args) throws IOException {
        ModelFamily family = ModelFamily.of(args[0]);
        int size = Integer.parseInt(args[1]);
        int batch = Integer.parseInt(args[2]);
        int steps = Integer.parseInt(args[3]);
        ModelSpec spec = ModelSpec.defaults(family, 1000).withInputSize(size);
        ModelReport report = ModelReports.describe(spec);
        ComputationGraph graph = InceptionZoo.build(spec);
        INDArray x = ZooTestSupport.images(1, batch, size, 3, DataType.FLOAT);
        INDArray y = ZooTestSupport.cyclicLabels(batch, 1000, DataType.FLOAT);
        MultiDataSet data = InceptionZoo.withLabelsForEveryOutput(graph, x, y);
        graph.fit(data); // warm-up: workspaces, JIT
        long start = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            graph.fit(data);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "RESULT %s %d %d %d %d %.4f %d%n", family.id(), size, batch, report.params(),
                report.trainingFlopsPerImage(), steps * batch / seconds, peakRssKb());
    }

    private static Row runInFreshJvm(ModelFamily family, int size, int batch, int steps) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx2g", "-cp", System.getProperty("java.class.path"),
                ZooBenchmark.class.getName(), family.id(), String.valueOf(size), String.valueOf(batch), String.valueOf(steps));
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String result = null;
        StringBuilder log = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("RESULT ")) {
                    result = line;
                } else if (log.length() < 20_000) {
                    log.append(line).append('\n');
                }
            }
        }
        int exit = p.waitFor();
        if (exit != 0 || result == null) {
            throw new IllegalStateException(family + " at " + size + " px failed (exit " + exit + "):\n" + log);
        }
        String[] f = result.split(" ");
        return new Row(f[1], Integer.parseInt(f[2]), Integer.parseInt(f[3]), Long.parseLong(f[4]), Long.parseLong(f[5]),
                Double.parseDouble(f[6]), Long.parseLong(f[7]));
    }

    /** SGEMM rate of ND4J's BLAS: best of 5 multiplications of two 2048x2048 float matrices. */
    static double sgemmGflops() {
        int n = 2048;
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray c = Nd4j.createUninitialized(DataType.FLOAT, n, n);
        a.mmuli(b, c); // warm-up
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long t = System.nanoTime();
            a.mmuli(b, c);
            best = Math.min(best, (System.nanoTime() - t) / 1e9);
        }
        return 2.0 * n * n * n / best / 1e9;
    }

    static long peakRssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmHWM in /proc/self/status");
    }

    static String render(List<Row> rows, int batch, int steps, double sgemmBefore, double sgemmAfter, String loadBefore,
                         String loadAfter) {
        double sgemm = (sgemmBefore + sgemmAfter) / 2;
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Batch %d, %d timed fit() steps after 1 warm-up, OMP_NUM_THREADS=%s, %s.%n",
                batch, steps, System.getenv().getOrDefault("OMP_NUM_THREADS", "(unset)"), cpuModel()));
        b.append(String.format(Locale.ROOT, "SGEMM 2048x2048 float: %.1f GFLOP/s before, %.1f after (mean %.1f).%n",
                sgemmBefore, sgemmAfter, sgemm));
        b.append("Load average before: ").append(loadBefore).append("; after: ").append(loadAfter).append(".\n\n");
        b.append("| family | input | params (trainable, with aux) | training GFLOP/image | images/s | GFLOP/s | % of SGEMM | peak RSS |\n");
        b.append("|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, "| %s | %d | %,d | %.2f | %.2f | %.1f | %.1f %% | %.2f GB |%n",
                    r.family(), r.size(), r.params(), r.trainingFlopsPerImage() / 1e9, r.imagesPerSecond(),
                    r.achievedGflops(), 100 * r.achievedGflops() / sgemm, r.peakRssKb() / 1024.0 / 1024.0));
        }
        return b.toString();
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            return "unknown CPU";
        }
        return "unknown CPU";
    }
}
