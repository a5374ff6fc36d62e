package io.sparkinception.trainer.training;

import io.sparkinception.common.HadoopFiles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The lines of a run's {@code metrics.jsonl} so far (restored ones first), and writing them out. */
final class MetricsLog {
    private final HadoopFiles files;
    private final String dir;
    private final List<MetricsLine> lines = new ArrayList<>();

    MetricsLog(HadoopFiles files, String dir, List<MetricsLine> restored) {
        this.files = files;
        this.dir = dir;
        lines.addAll(restored);
    }

    void add(MetricsLine line) {
        lines.add(line);
    }

    List<MetricsLine> lines() {
        return List.copyOf(lines);
    }

    void write() throws IOException {
        RunRecords.writeMetrics(files, dir, lines);
    }
}
