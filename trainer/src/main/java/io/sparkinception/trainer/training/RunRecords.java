package io.sparkinception.trainer.training;

import io.sparkinception.common.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sparkinception.common.HadoopFiles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes and reads the typed records of a train output: {@code summary.json} ({@link DistributedTrainer.Summary})
 * and {@code metrics.jsonl} (one {@link MetricsLine} per line). Every reader of those files goes through here; the
 * mapper is the project's one ({@link Json#mapper()}: snake_case).
 */
public final class RunRecords {
    public static final String SUMMARY = "summary.json";
    public static final String METRICS = "metrics.jsonl";

    private static final ObjectWriter LINE = Json.mapper().writer().without(SerializationFeature.INDENT_OUTPUT);

    private RunRecords() {
    }

    public static String summaryJson(DistributedTrainer.Summary s) {
        return Json.toJson(s);
    }

    public static DistributedTrainer.Summary parseSummary(String json, String source) {
        try {
            return Json.mapper().readValue(json, DistributedTrainer.Summary.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": not a train summary: " + e.getOriginalMessage(), e);
        }
    }

    /** {@code <dir>/summary.json}. */
    public static DistributedTrainer.Summary readSummary(HadoopFiles files, String dir) throws IOException {
        return parseSummary(files.readText(dir + "/" + SUMMARY), dir + "/" + SUMMARY);
    }

    public static void writeSummary(HadoopFiles files, String dir, DistributedTrainer.Summary s) throws IOException {
        files.writeAtomically(dir + "/" + SUMMARY, summaryJson(s));
    }

    /** The lines of {@code metrics.jsonl}, each ending in a newline. */
    public static String metricsJsonl(List<? extends MetricsLine> lines) {
        StringBuilder sb = new StringBuilder();
        for (MetricsLine m : lines) {
            try {
                sb.append(LINE.forType(MetricsLine.class).writeValueAsString(m)).append('\n');
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot render a metrics line: " + e.getMessage(), e);
            }
        }
        return sb.toString();
    }

    public static List<MetricsLine> parseMetrics(String jsonl, String source) {
        List<MetricsLine> out = new ArrayList<>();
        String[] lines = jsonl.split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            try {
                out.add(Json.mapper().readValue(lines[i], MetricsLine.class));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(source + " line " + (i + 1) + ": " + e.getOriginalMessage(), e);
            }
        }
        return out;
    }

    /** {@code <dir>/metrics.jsonl}; empty when the file is absent. */
    public static List<MetricsLine> readMetrics(HadoopFiles files, String dir) throws IOException {
        String path = dir + "/" + METRICS;
        return files.exists(path) ? parseMetrics(files.readText(path), path) : List.of();
    }

    public static void writeMetrics(HadoopFiles files, String dir, List<? extends MetricsLine> lines) throws IOException {
        files.writeAtomically(dir + "/" + METRICS, metricsJsonl(lines));
    }
}
