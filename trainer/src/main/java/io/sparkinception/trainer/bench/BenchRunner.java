package io.sparkinception.trainer.bench;

import io.sparkinception.common.Json;
import com.fasterxml.jackson.databind.JsonNode;
import io.sparkinception.common.CsvTable;
import io.sparkinception.trainer.kernels.Kernels;
import io.sparkinception.trainer.models.ModelFamily;
import io.sparkinception.trainer.models.ModelSpec;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench}: every configuration measured side by side in one run, each repeat in a fresh JVM with its own
 * OMP_NUM_THREADS ({@link BenchProbe}); SGEMM first and last as the ceiling; one table, bench.json and bench.csv.
 */
public final class BenchRunner {
    private final BenchConfig cfg;
    private final PrintStream log;
    private final Path out;
    private final List<BenchRow> rows = new ArrayList<>();

    private BenchRunner(BenchConfig cfg, PrintStream log) {
        this.cfg = cfg;
        this.log = log;
        this.out = Path.of(cfg.output()).toAbsolutePath();
    }

    public static List<BenchRow> run(BenchConfig cfg, PrintStream log) throws IOException, InterruptedException {
        return new BenchRunner(cfg, log).all();
    }

    private List<BenchRow> all() throws IOException, InterruptedException {
        Files.createDirectories(out);
        long start = System.nanoTime();
        boolean sgemm = cfg.suites().contains("sgemm");
        if (sgemm) {
            sgemm("first");
        }
        if (cfg.suites().contains("fit")) {
            for (int size : cfg.fitSizes()) {
                for (Kernels k : cfg.kernels()) {
                    if (k == Kernels.BUILTIN && !cfg.builtinSizes().contains(size)) {
                        continue;
                    }
                    for (int t : cfg.threads()) {
                        fit("fit", cfg.family(), size, cfg.fitBatch(), k, t);
                    }
                }
            }
        }
        if (cfg.suites().contains("train")) {
            for (Kernels k : cfg.kernels()) {
                for (String split : cfg.trainSplits()) {
                    for (int kk : cfg.trainK()) {
                        train(split, kk, k);
                    }
                }
            }
        }
        if (cfg.suites().contains("zoo")) {
            for (ModelFamily f : ModelFamily.values()) {
                for (String s : cfg.zooSizes()) {
                    int size = s.equals("default") ? ModelSpec.defaults(f, 2).inputSize() : Integer.parseInt(s);
                    fit("zoo", f, size, cfg.zooBatch(), cfg.kernels().get(0), 1);
                }
            }
        }
        if (sgemm) {
            sgemm("last");
        }
        addSgemmShares();
        write();
        log.print(table(rows));
        log.printf(Locale.ROOT, "bench: %d configurations in %.1f min; %s and %s%n", rows.size(),
                (System.nanoTime() - start) / 6e10, out.resolve("bench.json"), out.resolve("bench.csv"));
        return rows;
    }

    private void sgemm(String when) throws IOException, InterruptedException {
        for (int t : cfg.threads()) {
            measure("sgemm", "2048x2048 float (" + when + ")", "-", t, "GFLOP/s", "gflops", List.of("sgemm", "n=2048"));
        }
    }

    private void fit(String suite, ModelFamily f, int size, int batch, Kernels k, int threads)
            throws IOException, InterruptedException {
        String config = String.format(Locale.ROOT, "%s w%s %dpx b%d", f.id(), trim(cfg.width()), size, batch);
        measure(suite, config, k.id(), threads, "img/s", "images_per_second", List.of("fit", "family=" + f.id(),
                "width=" + cfg.width(), "size=" + size, "batch=" + batch, "steps=" + cfg.fitSteps(), "kernels=" + k.id()));
    }

    private void train(String split, int k, Kernels kernels) throws IOException, InterruptedException {
        String[] wt = split.split("x");
        int workers = Integer.parseInt(wt[0]);
        int threads = Integer.parseInt(wt[1]);
        String config = String.format(Locale.ROOT, "%s w%s %dpx local[%d] %d workers x b%d, k %d", cfg.family().id(),
                trim(cfg.width()), cfg.trainSize(), workers, workers, cfg.trainBatch(), k);
        String data = out.resolve("data-" + cfg.trainSize()).toString();
        measure("train", config, kernels.id(), threads, "img/s", "images_per_second", List.of("train", "workers=" + workers,
                "size=" + cfg.trainSize(), "batch=" + cfg.trainBatch(), "k=" + k, "rounds=" + cfg.trainRounds(),
                "kernels=" + kernels.id(), "family=" + cfg.family().id(), "width=" + cfg.width(), "data=" + data));
    }

    /** Runs a probe {@code repeats} times, each in a fresh JVM, and records the row. */
    private void measure(String suite, String config, String kernels, int threads, String unit, String key,
                         List<String> probeArgs) throws IOException, InterruptedException {
        List<Double> values = new ArrayList<>();
        Map<String, List<Double>> extras = new LinkedHashMap<>();
        for (int r = 0; r < cfg.repeats(); r++) {
            List<String> args = new ArrayList<>(probeArgs);
            if (suite.equals("train")) {
                args.add("out=" + out.resolve("runs").resolve(suite + "-" + rows.size() + "-" + r));
            }
            JsonNode result = probe(args, threads);
            values.add(result.path(key).asDouble());
            result.fields().forEachRemaining(e -> {
                if (e.getValue().isNumber() && !e.getKey().equals(key)) {
                    extras.computeIfAbsent(e.getKey(), x -> new ArrayList<>()).add(e.getValue().asDouble());
                }
            });
            log.printf(Locale.ROOT, "bench: %-5s %-48s %-7s %d thr  repeat %d/%d: %.2f %s%n", suite, config, kernels,
                    threads, r + 1, cfg.repeats(), values.get(values.size() - 1), unit);
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        extras.forEach((name, v) -> extra.put(name, median(v)));
        rows.add(new BenchRow(suite, config, kernels, threads, unit, values, extra));
    }

    private JsonNode probe(List<String> args, int threads) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmFlags());
        cmd.add("-cp");
        cmd.add(classpath());
        cmd.add(BenchProbe.class.getName());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
        Process p = pb.start();
        String found = null;
        StringBuilder tail = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith(BenchProbe.PREFIX)) {
                    found = line.substring(BenchProbe.PREFIX.length());
                } else {
                    tail.append(line).append('\n');
                    if (tail.length() > 4000) {
                        tail.delete(0, tail.length() - 4000);
                    }
                }
            }
        }
        if (!p.waitFor(60, TimeUnit.MINUTES) || p.exitValue() != 0 || found == null) {
            p.destroyForcibly();
            throw new IllegalStateException("bench probe " + args + " failed (exit " + (p.isAlive() ? "timeout" : p.exitValue())
                    + "); its last output:\n" + tail);
        }
        return Json.mapper().readTree(found);
    }

    /** This JVM's module flags and heap, so the probes run as the job does (Spark needs the --add-opens on Java 17). */
    private static List<String> jvmFlags() {
        List<String> flags = new ArrayList<>();
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-opens") || a.startsWith("--add-exports") || a.startsWith("-XX:+IgnoreUnrecognized")
                    || a.startsWith("-Djdk.reflect") || a.startsWith("-Xmx")) {
                flags.add(a);
            }
        }
        return flags;
    }

    /** The class path of this JVM plus the jar this class came from (spark-submit loads the app jar separately). */
    private static String classpath() {
        String cp = System.getProperty("java.class.path");
        try {
            String self = Path.of(BenchProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
            return cp.contains(self) ? cp : self + File.pathSeparator + cp;
        } catch (Exception e) {
            return cp;
        }
    }

    /** Adds percent_of_sgemm to fit and zoo rows: GFLOP/s over the mean of the first and last SGEMM of that thread count. */
    private void addSgemmShares() {
        for (int i = 0; i < rows.size(); i++) {
            BenchRow row = rows.get(i);
            Object gflop = row.extra().get("training_gflop_per_image");
            if (gflop == null) {
                continue;
            }
            double sgemm = rows.stream().filter(r -> r.suite().equals("sgemm") && r.threads() == row.threads())
                    .mapToDouble(BenchRow::median).average().orElse(Double.NaN);
            Map<String, Object> extra = new LinkedHashMap<>(row.extra());
            double achieved = row.median() * ((Number) gflop).doubleValue();
            extra.put("gflops", achieved);
            extra.put("percent_of_sgemm", 100 * achieved / sgemm);
            rows.set(i, new BenchRow(row.suite(), row.config(), row.kernels(), row.threads(), row.unit(), row.values(), extra));
        }
    }

    private void write() throws IOException {
        Files.writeString(out.resolve("bench.json"), Json.toJson(rows));
        CsvTable csv = new CsvTable("suite", "config", "kernels", "threads", "unit", "median", "min", "max", "repeats",
                "percent_of_sgemm", "peak_rss_mb");
        for (BenchRow r : rows) {
            csv.row(r.suite(), r.config(), r.kernels(), r.threads(), r.unit(), num(r.median()), num(r.min()), num(r.max()),
                    r.values().size(), num(r.extra().get("percent_of_sgemm")), num(r.extra().get("peak_rss_mb")));
        }
        Files.writeString(out.resolve("bench.csv"), csv.toString());
    }

    /** The table a person reads: medians with min-max, percent of SGEMM, peak RSS, train's round breakdown. */
    public static String table(List<BenchRow> rows) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%n%-5s | %-50s | %-7s | %3s | %-22s | %6s | %8s | %s%n",
                "suite", "configuration", "kernels", "thr", "median (min-max)", "% SGEMM", "RSS MB", "round breakdown (s)"));
        for (BenchRow r : rows) {
            Object pct = r.extra().get("percent_of_sgemm");
            Object rss = r.extra().get("peak_rss_mb");
            String breakdown = r.suite().equals("train") ? String.format(Locale.ROOT, "bcast %.2f fit %.2f rest %.2f apply %.2f",
                    d(r.extra().get("broadcast_seconds")), d(r.extra().get("fit_seconds_per_worker")),
                    d(r.extra().get("rest_of_round_seconds")), d(r.extra().get("apply_seconds"))) : "";
            sb.append(String.format(Locale.ROOT, "%-5s | %-50s | %-7s | %3d | %-22s | %6s | %8s | %s%n", r.suite(), r.config(),
                    r.kernels(), r.threads(), String.format(Locale.ROOT, "%.2f (%.2f-%.2f) %s", r.median(), r.min(), r.max(),
                            r.unit().equals("img/s") ? "" : r.unit()).trim(),
                    pct == null ? "" : String.format(Locale.ROOT, "%.1f", d(pct)),
                    rss == null ? "" : String.format(Locale.ROOT, "%.0f", d(rss)), breakdown));
        }
        return sb.toString();
    }

    static double median(List<Double> v) {
        List<Double> s = v.stream().sorted().toList();
        int n = s.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static double d(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static String num(Object o) {
        return o instanceof Number n ? String.format(Locale.ROOT, "%.4g", n.doubleValue()) : "";
    }

    private static String trim(double w) {
        return w == Math.rint(w) ? Long.toString((long) w) : Double.toString(w);
    }
}
