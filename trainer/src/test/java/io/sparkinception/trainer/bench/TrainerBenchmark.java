package io.sparkinception.trainer.bench;

import io.sparkinception.preprocessing.PixelStorage;
import io.sparkinception.preprocessing.PreprocessConfig;
import io.sparkinception.preprocessing.annotations.SourceSpec;
import io.sparkinception.preprocessing.image.Interpolation;
import io.sparkinception.preprocessing.spark.PreprocessPipeline;
import io.sparkinception.testing.LocalSpark;
import io.sparkinception.testing.SharedData;
import java.io.File;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.io.output.NullOutputStream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train} on local[2] (2 workers x 1 OpenMP thread) against single-process DL4J {@code ComputationGraph.fit}
 * on the same 2 cores (one JVM, 2 OpenMP threads), same model, data and global batch, measured side by side in
 * one run; each in a fresh JVM so that OMP_NUM_THREADS applies. Prints images/s, the ratio, and the round
 * overhead breakdown.
 * Run: {@code ./mvnw -B -pl trainer test -Dtest=TrainerBenchmark -Dexcluded.test.groups=none [-Dbench.rounds=12]}
 */
@Tag("benchmark")
class TrainerBenchmark {
    @TempDir
    Path dir;

    @Test
    void distributedVersusSingleProcess() throws Exception {
        int size = Integer.getInteger("bench.size", 48);
        String data = dir.resolve("gtsrb").toString();
        SparkSession spark = LocalSpark.start("bench-prep");
        try {
            SourceSpec source = new SourceSpec(SourceSpec.Format.GTSRB, SharedData.data("gtsrb/Train.csv").toString(), "",
                    SharedData.data("gtsrb/signnames.csv").toString(), null, true);
            PreprocessPipeline.run(spark, PreprocessConfig.builder(source, data).newSpec(new PreprocessConfig.NewSpec(size,
                            new PreprocessConfig.CropSpec(0.1, true, Interpolation.AREA), PixelStorage.FLOAT32, true))
                            .progressSeconds(60).overwrite(true).build(),
                    new PrintStream(NullOutputStream.INSTANCE));
        } finally {
            spark.stop();
        }
        String rounds = System.getProperty("bench.rounds", "12");
        String width = System.getProperty("bench.width", "0.5");
        StringBuilder report = new StringBuilder();
        for (int rep = 0; rep < Integer.getInteger("bench.repeats", 2); rep++) {
            String single = child("2", "single", data, rounds, width, dir.resolve("single-" + rep));
            String dist = child("1", "distributed", data, rounds, width, dir.resolve("dist-" + rep));
            report.append("repeat ").append(rep).append('\n').append(single).append(dist);
            double s = rate(single);
            double d = rate(dist);
            report.append(String.format("ratio distributed/single = %.3f%n", d / s));
        }
        System.out.println("=== TrainerBenchmark (GoogLeNet width " + width + ", " + size + " px, global batch 64) ===");
        System.out.print(report);
    }

    private static double rate(String out) {
        for (String line : out.split("\n")) {
            if (line.startsWith("RESULT ")) {
                return Double.parseDouble(line.split(" ")[2]);
            }
        }
        throw new AssertionError("no RESULT line in:\n" + out);
    }

    private static String child(String ompThreads, String mode, String data, String rounds, String width, Path out)
            throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + "/bin/java");
        cmd.add("-Xmx3g");
        for (String opt : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (opt.startsWith("--add-opens") || opt.startsWith("-XX:+IgnoreUnrecognizedVMOptions")
                    || opt.startsWith("-Djdk.reflect")) {
                cmd.add(opt);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(BenchMain.class.getName());
        cmd.addAll(List.of(mode, data, rounds, width, out.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", ompThreads);
        File log = Files.createTempFile("bench-" + mode, ".log").toFile();
        pb.redirectOutput(log);
        int code = pb.start().waitFor();
        String text = Files.readString(log.toPath());
        if (code != 0) {
            throw new AssertionError(mode + " exited " + code + ":\n" + text);
        }
        StringBuilder keep = new StringBuilder();
        for (String line : text.split("\n")) {
            if (line.startsWith("RESULT") || line.startsWith("OVERHEAD")) {
                keep.append(line).append('\n');
            }
        }
        return keep.toString();
    }
}
