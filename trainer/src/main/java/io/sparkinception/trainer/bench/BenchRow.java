package io.sparkinception.trainer.bench;

import java.util.List;
import java.util.Map;

/**
 * One measured configuration: the median, min and max of its repeats (each in a fresh JVM).
 *
 * @param suite   sgemm | fit | train | zoo
 * @param config  what ran, e.g. {@code googlenet w1 75px b32}
 * @param kernels onednn | builtin (or "-" for sgemm)
 * @param threads OpenMP threads per process
 * @param unit    img/s or GFLOP/s
 * @param values  every repeat's value
 * @param extra   suite-specific medians (percent of SGEMM, peak RSS MB, round-time breakdown)
 */
public record BenchRow(String suite, String config, String kernels, int threads, String unit, List<Double> values,
                       Map<String, Object> extra) {
    public BenchRow {
        values = List.copyOf(values);
        extra = Map.copyOf(extra);
    }

    public double median() {
        return BenchRunner.median(values);
    }

    public double min() {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    public double max() {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }
}
