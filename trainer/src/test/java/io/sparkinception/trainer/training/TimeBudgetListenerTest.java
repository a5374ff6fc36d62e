package io.sparkinception.trainer.training;

import static io.sparkinception.trainer.training.SettingsValidationTest.metadata;
import static io.sparkinception.trainer.training.SettingsValidationTest.train;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.common.HadoopFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * The time budget wired into the round loop, on a fake clock: the first round costs 30 s (it builds the networks),
 * every later one 2 s, a validation pass 10 s, and 5 s went on setup before the loop. No Spark, no wall clock.
 */
class TimeBudgetListenerTest {
    private static final long SECOND = 1_000_000_000L;
    private static final String JSON = ParameterAveragingTest.graphJson(new Adam(0.01));

    @TempDir
    Path out;

    private final AtomicLong now = new AtomicLong();
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final PrintStream log = new PrintStream(logged, true, StandardCharsets.UTF_8);

    /** A round that advances the fake clock (30 s for the first of the process, then 2 s) and adds 1 to the params. */
    private TrainingLoop.RoundRunner timed(ComputationGraph g, long firstRound) {
        return before -> {
            now.addAndGet((before.round() == firstRound ? 30 : 2) * SECOND);
            g.params().addi(1);
            return new ParameterAveragingMaster.RoundResult(new Aggregate(g.params().toFloatVector(), new float[0], 1.0,
                    1, 8, 1, 1, 0), 0, 0, 0);
        };
    }

    /** A validation pass of 10 s on the fake clock. */
    private double validate(TrainingLoop.Round round) {
        now.addAndGet(10 * SECOND);
        return 10;
    }

    private record Run(RunLength length, long rounds) {
    }

    /** 5 rounds an epoch (k = 1), at most 200 epochs; validation every epoch; checkpoints every 50 rounds. */
    private Run run(String budget, RunLength length, long firstRound) throws Exception {
        ComputationGraph g = ParameterAveragingTest.fresh(JSON);
        RunClock clock = new RunClock(0, now::get);
        TimeBudgetListener calibration = new TimeBudgetListener(TimeBudget.parse(budget, 3), length, clock, 5,
                this::validate, 1, 1, log);
        Checkpoints checkpoints = new Checkpoints(HadoopFiles.local(), out.toString());
        MetricsLog metrics = new MetricsLog(HadoopFiles.local(), out.toString(), List.of());
        ProgressListener progress = new ProgressListener(8, e -> 0.01, 0, clock, metrics, log);
        CheckpointListener checkpoint = new CheckpointListener(checkpoints, 50, g, progress, null,
                new DivergenceGuard(DivergenceGuard.Policy.STOP, 0), clock, metrics, length::decision);
        long next = new TrainingLoop(g, length::plan, timed(g, firstRound), List.of(calibration, progress, checkpoint))
                .run(firstRound);
        return new Run(length, next);
    }

    private static RunLength epochs200() {
        return new RunLength(new RoundPlan(1000, 5, 1, 200), null, null);
    }

    @Test
    void theRunLastsTheRoundsTheBudgetAffordsAfterItsCalibrationRounds() throws Exception {
        Run r = run("10m", epochs200(), 0);
        // Round 1 ends at 30 s, rounds 2-4 at 36 s: 2 s a round; the validation pass ends at 46 s, plus 5 s of setup:
        // 51 s spent. 600 - 51 - 10 (the final validation) = 539 s for rounds of 2 s + 10 s / 5 rounds: 134 more.
        long expected = TimeBudget.parse("10m", 3).totalRounds(Duration.ofSeconds(51), 4, 2.0, 10.0, 5, 1, 10.0);
        assertEquals(expected, r.rounds());
        BudgetDecision d = r.length().decision();
        assertEquals(new BudgetDecision("10m", expected, expected / 5.0, 2.0, 10.0, 4, false), d);
        assertEquals(expected, r.length().plan().totalRounds());
        assertTrue(text().contains("train: " + d.describe()), text());
        assertTrue(text().contains("round " + expected + "/" + expected + " "), "the logs count the fixed total");
        // The checkpoints record the decision; the last one is written at the new last round.
        Checkpoints.State last = new Checkpoints(HadoopFiles.local(), out.toString())
                .restoreLatest(ParameterAveragingTest.fresh(JSON)).state();
        assertEquals(expected, last.nextRound());
        assertEquals(d, last.timeBudget());
        assertFalse(text().contains("warning"), text());
    }

    @Test
    void aBudgetLongerThanTheEpochsKeepsTheRunOfEpochs() throws Exception {
        RunLength length = new RunLength(new RoundPlan(20, 5, 1, 4), null, null);
        Run r = run("1h", length, 0);
        assertEquals(20, r.rounds());
        assertTrue(r.length().decision().limitedByEpochs());
        assertEquals(4.0, r.length().scheduleEpochs());
    }

    @Test
    void aBudgetTooSmallForTheCalibrationStillEndsTheScheduleWithOneMoreRoundAndWarns() throws Exception {
        Run r = run("1m", epochs200(), 0);
        assertEquals(5, r.rounds());
        assertEquals(1.0, r.length().scheduleEpochs());
        assertEquals(1, text().lines().filter(l -> l.contains("warning: time-budget 1m is too small")).count(), text());
    }

    @Test
    void aResumedRunKeepsTheRecordedLengthAndNeverMeasuresAgain() throws Exception {
        BudgetDecision recorded = new BudgetDecision("10m", 12, 2.4, 2.0, 10.0, 4, false);
        Run r = run("10m", new RunLength(new RoundPlan(1000, 5, 1, 200), null, recorded), 6);
        assertEquals(12, r.rounds());
        assertEquals(recorded, r.length().decision());
        assertFalse(text().contains("time-budget 10m:"), "no second calibration: " + text());
    }

    @Test
    void maxRoundsStillStopsABudgetedRunWhoseScheduleSpansTheBudget() throws Exception {
        Run r = run("10m", new RunLength(new RoundPlan(1000, 5, 1, 200), 9L, null), 0);
        assertEquals(9, r.rounds());
        assertTrue(r.length().decision().rounds() > 9);
        assertEquals(r.length().decision().rounds() / 5.0, r.length().scheduleEpochs());
    }

    @Test
    void theLaidOutScheduleReachesItsFinalRateAtTheEndOfTheLastRound() throws Exception {
        Run r = run("10m", epochs200(), 0);
        long last = r.rounds();
        for (String schedule : List.of("cosine", "poly", "one-cycle")) {
            TrainConfig cfg = train("lr-schedule", schedule, "epochs", "200", "learning-rate", "0.1", "family", "googlenet",
                    "width", "0.25", "time-budget", "10m");
            double floor = cfg.resolvedRecipe().learningRate().decay().factor(Double.MAX_VALUE, 0) * 0.1;
            IUpdater budgeted = ScheduleSettingsTest.updater(DistributedTrainer.model(cfg, metadata(32, 4, 100), 0, 5,
                    r.length().scheduleEpochs()).configuration());
            IUpdater epochs = ScheduleSettingsTest.updater(DistributedTrainer.model(cfg, metadata(32, 4, 100), 0, 5)
                    .configuration());
            // The workers' schedule (k = 1: one step a round) ends at its floor exactly when the last round ends ...
            assertEquals(floor, budgeted.getLearningRate((int) last, (int) (last / 5)), 0.0, schedule);
            assertTrue(budgeted.getLearningRate((int) last - 1, (int) ((last - 1) / 5)) > floor, schedule);
            // ... where the schedule of the 200 epochs is still far from its floor.
            assertTrue(epochs.getLearningRate((int) last, (int) (last / 5)) > 0.03, schedule);
        }
    }

    @Test
    void theCalibrationRoundsOfAWarmUpTrainAtTheRatesOfTheFinalSchedule() throws Exception {
        Run r = run("10m", epochs200(), 0);
        TrainConfig cfg = train("lr-schedule", "cosine", "warmup-epochs", "1", "epochs", "200", "learning-rate", "0.1",
                "family", "googlenet", "width", "0.25", "time-budget", "10m");
        IUpdater budgeted = ScheduleSettingsTest.updater(DistributedTrainer.model(cfg, metadata(32, 4, 100), 0, 5,
                r.length().scheduleEpochs()).configuration());
        IUpdater epochs = ScheduleSettingsTest.updater(DistributedTrainer.model(cfg, metadata(32, 4, 100), 0, 5)
                .configuration());
        // The 4 calibration rounds (steps 0-3) fall in the warm-up of 1 epoch (5 steps): the rate they trained at is
        // the final schedule's, so fixing the length changes nothing that was already trained.
        for (int step = 0; step < 4; step++) {
            assertEquals(epochs.getLearningRate(step, 0), budgeted.getLearningRate(step, 0), 0.0, "step " + step);
        }
        assertTrue(epochs.getLearningRate(20, 4) > budgeted.getLearningRate(20, 4), "the budgeted cosine decays sooner");
    }

    @Test
    void theTrainKeyParsesInTheFlagsWords() {
        assertEquals(java.time.Duration.ofMinutes(90), train("time-budget", "1h30m").budget().budget());
        assertEquals(null, train().budget());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> train("time-budget", "30 minutes"));
        assertEquals("--time-budget must look like 90s, 30m, 1h30m or 2h, got '30 minutes'", e.getMessage());
    }

    private String text() {
        return logged.toString(StandardCharsets.UTF_8);
    }
}
