package io.sparkinception.trainer.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.common.HadoopFiles;
import io.sparkinception.trainer.kernels.KernelReport;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** summary.json and metrics.jsonl: typed records through one mapper, in the file format notebooks read. */
class RunRecordsTest {
    @TempDir
    Path out;

    static DistributedTrainer.Summary summary() {
        return new DistributedTrainer.Summary("googlenet", 0.25, 12, 3.0, 960, 41.5, 0.61, 0.9, 1.2, Double.NaN, 23.1,
                "ab12", 123456, 2, 8, 5, 42, 32, 28, 43, 7, Double.NaN, Double.NaN, Double.NaN, 0, 1, 0.5,
                new KernelReport("onednn", "onednn", Map.of("ConvolutionLayer", Map.of("oneDNN", 57))),
                new BudgetDecision("30m", 412, 26.4, 1.53, 4.1, 4, false));
    }

    @Test
    void aSummaryWrittenIsReadBackEqual() throws Exception {
        HadoopFiles files = HadoopFiles.local();
        RunRecords.writeSummary(files, out.toString(), summary());
        assertEquals(summary(), RunRecords.readSummary(files, out.toString()));
        String json = RunRecords.summaryJson(summary());
        for (String key : List.of("\"family\"", "\"examples_seen\"", "\"val_top1\"", "\"ema_val_top1\"", "\"params_sha256\"",
                "\"sampling_seed\"", "\"input_size\"", "\"test_examples\"", "\"divergence_skips\"", "\"learning_rate_scale\"", "\"kernels\"")) {
            assertTrue(json.contains(key), key + " in " + json);
        }
    }

    @Test
    void aSummaryWrittenBeforeInputSizeExistedReadsTheStoredSizeAsTheInputSize() {
        String json = RunRecords.summaryJson(summary()).replace("\"input_size\" : 28,", "");
        assertFalse(json.contains("input_size"), json);
        DistributedTrainer.Summary old = RunRecords.parseSummary(json, "old summary.json");
        assertEquals(32, old.imageSize());
        assertEquals(32, old.inputSize());
        assertEquals(28, summary().inputSize());
    }

    @Test
    void aRePlannedTimeBudgetKeepsItsLatestPlanInTheOldFieldsAndEveryPlanInAList() {
        BudgetDecision first = new BudgetDecision("27m", 591, 38.1, 2.57, 4.1, 4, false);
        BudgetDecision d = first.replanned(new BudgetDecision.Plan(31, 812, 52.4, 1.71, 4.0, false));
        DistributedTrainer.Summary s = withBudget(d);
        String json = RunRecords.summaryJson(s);
        assertEquals(s, RunRecords.parseSummary(json, "summary.json"));
        var tree = io.sparkinception.common.Json.tree(json, "summary.json").get("time_budget");
        assertEquals(812, tree.get("rounds").asLong());
        assertEquals(31, tree.get("calibrated_after_round").asLong());
        assertEquals(2, tree.get("plans").size());
        assertEquals(591, tree.get("plans").get(0).get("rounds").asLong());
        assertEquals(31, tree.get("plans").get(1).get("after_round").asLong());
        assertTrue(d.describe().endsWith("(re-planned ×1, last after round 31)"), d.describe());
        assertEquals("time-budget 27m: re-planned after round 31: 812 rounds (52.4 epochs) at 1.71 s/round (was 591)",
                d.describeReplan());
    }

    @Test
    void aTimeBudgetWrittenBeforeRePlanningReadsAsItsOnePlan() {
        String json = RunRecords.summaryJson(summary());
        int plans = json.indexOf(",\n    \"plans\"");
        assertTrue(plans > 0, json);
        String old = json.substring(0, plans) + json.substring(json.indexOf(']', plans) + 1);
        assertFalse(old.contains("plans"), old);
        DistributedTrainer.Summary back = RunRecords.parseSummary(old, "old summary.json");
        assertEquals(summary(), back);
        assertEquals(List.of(new BudgetDecision.Plan(4, 412, 26.4, 1.53, 4.1, false)), back.timeBudget().plans());
        assertEquals("time-budget 30m: 412 rounds (26.4 epochs) at 1.53 s/round + 4.1 s/validation",
                back.timeBudget().describe());
    }

    private static DistributedTrainer.Summary withBudget(BudgetDecision d) {
        DistributedTrainer.Summary s = summary();
        return new DistributedTrainer.Summary(s.family(), s.width(), s.rounds(), s.epochs(), s.examplesSeen(),
                s.imagesPerSecond(), s.valTop1(), s.valTop5(), s.valLoss(), s.emaValTop1(), s.wallSeconds(),
                s.paramsSha256(), s.params(), s.workers(), s.batchSizePerWorker(), s.averagingFrequency(), s.seed(),
                s.imageSize(), s.inputSize(), s.numClasses(), s.samplingSeed(), s.testTop1(), s.testTop5(), s.testLoss(),
                s.testExamples(), s.divergenceSkips(), s.learningRateScale(), s.kernels(), d);
    }

    @Test
    void metricsLinesKeepTheirTypeAndFieldNamesAndReadBackEqual() throws Exception {
        List<MetricsLine> lines = List.of(new RoundMetrics(1, 0.5, 3.7, 0.001, 64, 12.5, 0.1, 2.0, 1.5, 0.05),
                ValidationMetrics.of(2, 1.0, new EvalCounts(10, 6, 9, 12.0, 0), null, 4.5),
                new DivergenceEvent(3, Double.NaN, 2, 0, "skip-round-and-halve-lr", "skip", 0.5, 1));
        String text = RunRecords.metricsJsonl(lines);
        String[] rows = text.split("\n");
        assertEquals(3, rows.length);
        assertTrue(rows[0].startsWith("{\"type\":\"round\",\"round\":1,\"epoch\":0.5,\"loss\":3.7,\"learning_rate\":0.001,"
                + "\"examples_seen\":64,\"images_per_second\":12.5,"), rows[0]);
        assertEquals("{\"type\":\"validation\",\"round\":2,\"epoch\":1.0,\"val_top1\":0.6,\"val_top5\":0.9,\"val_loss\":1.2,"
                + "\"val_examples\":10,\"wall_seconds\":4.5}", rows[1]);
        assertFalse(rows[1].contains("test_"), "a set that was not scored has no keys");
        assertTrue(rows[2].startsWith("{\"type\":\"divergence\",\"round\":3,"), rows[2]);
        assertEquals(lines, RunRecords.parseMetrics(text, "test"));
        RunRecords.writeMetrics(HadoopFiles.local(), out.toString(), lines);
        assertEquals(lines, RunRecords.readMetrics(HadoopFiles.local(), out.toString()));
    }

    @Test
    void linesWrittenByTheEarlierMapBasedWriterStillRead() {
        String old = "{\"type\":\"validation\",\"round\":8,\"epoch\":2.0,\"test_top1\":0.5,\"test_top5\":0.75,"
                + "\"test_loss\":2.5,\"test_examples\":1075,\"wall_seconds\":30.0}\n"
                + "{\"type\":\"divergence\",\"round\":9,\"loss\":\"NaN\",\"non_finite_params\":4,"
                + "\"non_finite_updater_values\":0,\"policy\":\"stop\",\"action\":\"stop\",\"consecutive\":1}\n";
        List<MetricsLine> lines = RunRecords.parseMetrics(old, "old");
        assertEquals(new ValidationMetrics(8, 2.0, null, null, null, null, 0.5, 0.75, 2.5, 1075L, 30.0), lines.get(0));
        assertEquals(new DivergenceEvent(9, Double.NaN, 4, 0, "stop", "stop", null, 1), lines.get(1));
    }

    @Test
    void anUnknownLineTypeNamesTheFileAndLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RunRecords.parseMetrics("\n{\"type\":\"epoch\",\"round\":1}\n", "run/metrics.jsonl"));
        assertTrue(e.getMessage().startsWith("run/metrics.jsonl line 2: "), e.getMessage());
    }
}
