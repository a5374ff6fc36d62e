package io.sparkinception.trainer.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.sparkinception.common.Settings;
import io.sparkinception.trainer.kernels.Kernels;
import io.sparkinception.trainer.models.ModelFamily;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Settings of {@code bench} (namespace {@code spark-inception.bench}; every key documented in trainer's
 * reference.conf). Validates itself.
 */
public record BenchConfig(String output, List<String> suites, int repeats, List<Kernels> kernels, List<Integer> threads,
                          ModelFamily family, double width, List<Integer> fitSizes, List<Integer> builtinSizes,
                          int fitBatch, int fitSteps, int trainSize, int trainBatch, List<Integer> trainK,
                          List<String> trainSplits, int trainRounds, List<String> zooSizes, int zooBatch) {
    public static final String NAMESPACE = "spark-inception.bench";
    static final Set<String> SUITES = Set.of("sgemm", "fit", "train", "zoo");

    public BenchConfig {
        require(output != null && !output.isBlank(), "--output is required: the directory for bench.json and bench.csv");
        for (String s : suites) {
            require(SUITES.contains(s), "--suites: unknown suite '" + s + "' (known: sgemm, fit, train, zoo)");
        }
        require(repeats >= 1, "--repeats must be >= 1, got " + repeats);
        for (int t : threads) {
            require(t >= 1, "--threads must be >= 1, got " + t);
        }
        require(fitBatch >= 1 && trainBatch >= 1 && zooBatch >= 1, "batch sizes must be >= 1");
        require(fitSteps >= 1, "--fit-steps must be >= 1, got " + fitSteps);
        require(trainRounds >= 2, "--train-rounds must be >= 2 (the first round is not measured), got " + trainRounds);
        for (String split : trainSplits) {
            require(split.matches("[1-9][0-9]*x[1-9][0-9]*"), "--train-splits: '" + split + "' is not WORKERSxTHREADS (e.g. 2x1)");
        }
        require(width > 0 && width <= 4, "--width must be in (0, 4], got " + width);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public static BenchConfig load(String configFile, Map<String, String> overrides) {
        Config c = Settings.load(NAMESPACE, configFile, overrides);
        try {
            return new BenchConfig(c.getString("output"), strings(c, "suites"), c.getInt("repeats"),
                    strings(c, "kernels").stream().map(k -> Kernels.of(k, "--kernels")).toList(), ints(c, "threads"),
                    ModelFamily.of(c.getString("family")), c.getDouble("width"), ints(c, "fit-sizes"), ints(c, "builtin-sizes"),
                    c.getInt("fit-batch"), c.getInt("fit-steps"), c.getInt("train-size"), c.getInt("train-batch"),
                    ints(c, "train-k"), strings(c, "train-splits"), c.getInt("train-rounds"), strings(c, "zoo-sizes"),
                    c.getInt("zoo-batch"));
        } catch (ConfigException | NumberFormatException e) {
            throw new IllegalArgumentException("bad bench setting: " + e.getMessage(), e);
        }
    }

    private static List<String> strings(Config c, String key) {
        String v = c.getString(key).trim();
        return v.isEmpty() ? List.of() : Arrays.stream(v.split(",")).map(String::trim).toList();
    }

    private static List<Integer> ints(Config c, String key) {
        return strings(c, key).stream().map(Integer::parseInt).toList();
    }
}
