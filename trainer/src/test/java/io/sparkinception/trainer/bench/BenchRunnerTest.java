package io.sparkinception.trainer.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.common.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench harness end to end on a tiny configuration: every suite's probes run in their own JVMs and report. */
@org.junit.jupiter.api.Tag("e2e")
class BenchRunnerTest {
    @Test
    void tinyBenchMeasuresEverySuiteSideBySide(@TempDir Path dir) throws Exception {
        BenchConfig cfg = BenchConfig.load(null, Map.ofEntries(Map.entry("output", dir.toString()),
                Map.entry("suites", "sgemm,fit,train"), Map.entry("repeats", "1"), Map.entry("threads", "1"),
                Map.entry("width", "0.25"), Map.entry("fit-sizes", "32"), Map.entry("builtin-sizes", "32"),
                Map.entry("fit-batch", "4"), Map.entry("fit-steps", "1"), Map.entry("train-size", "32"),
                Map.entry("train-batch", "4"), Map.entry("train-k", "1"), Map.entry("train-splits", "2x1"),
                Map.entry("train-rounds", "2")));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        List<BenchRow> rows = BenchRunner.run(cfg, new PrintStream(log, true, StandardCharsets.UTF_8));
        // sgemm first and last, fit on both kernels, train on both kernels.
        assertEquals(List.of("sgemm", "fit", "fit", "train", "train", "sgemm"), rows.stream().map(BenchRow::suite).toList());
        for (BenchRow r : rows) {
            assertTrue(r.median() > 0 && Double.isFinite(r.median()), r.toString());
            assertTrue(((Number) r.extra().get("peak_rss_mb")).doubleValue() > 50, r.toString());
        }
        BenchRow fitOneDnn = rows.get(1);
        assertEquals("onednn", fitOneDnn.kernels());
        assertTrue(((Number) fitOneDnn.extra().get("percent_of_sgemm")).doubleValue() > 0, fitOneDnn.toString());
        assertTrue(((Number) rows.get(3).extra().get("fit_seconds_per_worker")).doubleValue() > 0, rows.get(3).toString());
        JsonNode json = Json.mapper().readTree(Files.readString(dir.resolve("bench.json")));
        assertEquals(rows.size(), json.size());
        assertEquals(rows.size() + 1, Files.readAllLines(dir.resolve("bench.csv")).size());
        String table = log.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains("% SGEMM") && table.contains("bcast"), table);
    }

    @Test
    void badSettingsNameTheFlag() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BenchConfig.load(null, Map.of("output", "x", "suites", "fit,gpu")));
        assertTrue(e.getMessage().contains("--suites") && e.getMessage().contains("gpu"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BenchConfig.load(null, Map.of("output", "x", "train-splits", "2")));
        assertTrue(e.getMessage().contains("--train-splits"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BenchConfig.load(null, Map.of("output", "x", "kernels", "cuda")));
        assertTrue(e.getMessage().contains("--kernels"), e.getMessage());
    }
}
