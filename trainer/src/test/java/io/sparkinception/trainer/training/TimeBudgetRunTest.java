package io.sparkinception.trainer.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.testing.LocalSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A budgeted run end to end in local[2] on generated data, timed by a fake clock that advances one second at every
 * reading (the same readings in the same order give the same decision): the schedule laid out by the budget reaches
 * the workers, the run ends at the rounds it fixed, and a run interrupted after the calibration and resumed ends with
 * the same parameters, bit for bit, without measuring again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TimeBudgetRunTest {
    private SparkSession spark;
    private Path root;
    private String data;

    @BeforeAll
    void prepare(@TempDir Path dir) throws Exception {
        root = dir;
        spark = LocalSpark.start("time-budget");
        data = GeneratedData.preprocess(spark, dir, 24);
    }

    @AfterAll
    void stop() {
        spark.stop();
    }

    private TrainConfig config(String output, Map<String, String> extra) {
        Map<String, String> flags = new HashMap<>(Map.of("data", data, "output", output, "family", "googlenet",
                "width", "0.25", "min-filters", "8", "workers", "2", "batch-size-per-worker", "4",
                "averaging-frequency", "1", "seed", "11", "validate-every-epochs", "0"));
        flags.putAll(Map.of("checkpoint-every", "2", "epochs", "50", "recipe", "sgd-momentum", "learning-rate", "0.02",
                "lr-schedule", "cosine", "time-budget", "30s", "augment.random-crop", "false"));
        flags.putAll(extra);
        return TrainConfig.load(null, flags);
    }

    /** A clock that reads 0, 1 s, 2 s, ...: one second per reading. */
    private static LongSupplier ticking() {
        AtomicLong next = new AtomicLong();
        return () -> next.getAndAdd(1_000_000_000L);
    }

    private DistributedTrainer.Summary run(TrainConfig cfg, ByteArrayOutputStream log) throws Exception {
        return DistributedTrainer.run(spark, cfg, new PrintStream(log, true, StandardCharsets.UTF_8), ticking());
    }

    @Test
    void anInterruptedBudgetedRunResumesTheSameScheduleBitForBit() throws Exception {
        String straight = root.resolve("straight").toString();
        ByteArrayOutputStream straightLog = new ByteArrayOutputStream();
        DistributedTrainer.Summary a = run(config(straight, Map.of()), straightLog);
        BudgetDecision d = a.timeBudget();
        String text = straightLog.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("train: " + d.describe()), text);
        assertEquals(4, d.calibratedAfterRound(), "1 + 3 calibration rounds");
        assertFalse(d.limitedByEpochs(), d.describe());
        assertTrue(d.rounds() > 6, "the budget must outlast the interruption below: " + d.describe());
        assertEquals(d.rounds(), a.rounds());
        assertEquals(d.scheduleEpochs(), a.epochs(), 1e-12, "the schedule ends with the last round");
        assertTrue(Files.readString(Path.of(straight, "train.conf")).contains("time-budget"));
        // The model file carries the schedule the workers trained with: the one laid out over the fixed length.
        try (var in = Files.newInputStream(Path.of(straight, "model.zip"))) {
            var saved = org.deeplearning4j.util.ModelSerializer.restoreComputationGraph(in, false);
            var schedule = (io.sparkinception.trainer.models.RateSchedule) ScheduleSettingsTest.schedule(
                    ScheduleSettingsTest.updater(saved.getConfiguration()));
            assertTrue(schedule.getLearningRate().contains("cosine(" + d.scheduleEpochs() + ","),
                    schedule.getLearningRate());
        }

        String interrupted = root.resolve("interrupted").toString();
        DistributedTrainer.Summary half = run(config(interrupted, Map.of("max-rounds", "6")), new ByteArrayOutputStream());
        assertEquals(6, half.rounds());
        assertEquals(d, half.timeBudget(), "the same readings fix the same length");
        assertNotEquals(a.paramsSha256(), half.paramsSha256());

        ByteArrayOutputStream resumedLog = new ByteArrayOutputStream();
        DistributedTrainer.Summary b = run(config(interrupted, Map.of("resume", "true")), resumedLog);
        String resumed = resumedLog.toString(StandardCharsets.UTF_8);
        assertTrue(resumed.contains("keeps the recorded " + d.describe()), resumed);
        assertEquals(1, resumed.lines().filter(l -> l.contains("time-budget 30s:")).count(), "no second calibration");
        assertEquals(d, b.timeBudget());
        assertEquals(a.rounds(), b.rounds());
        assertEquals(a.paramsSha256(), b.paramsSha256(), "resumed run equals the uninterrupted one");
    }
}
