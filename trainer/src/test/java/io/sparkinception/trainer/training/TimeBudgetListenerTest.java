package io.sparkinception.trainer.training;

import static io.sparkinception.trainer.training.SettingsValidationTest.metadata;
import static io.sparkinception.trainer.training.SettingsValidationTest.train;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.common.HadoopFiles;
import io.sparkinception.trainer.models.ScheduleWarp;
import io.sparkinception.trainer.models.TrainingRecipe;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongUnaryOperator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * The time budget wired into the round loop, on a fake clock: the first round costs 30 s (it builds the networks),
 * every later one 2 s (unless a test speeds them up or slows them down), a validation pass 10 s (at the end of every
 * epoch, and the calibration's), and 5 s went on setup before the loop. No Spark, no wall clock.
 */
class TimeBudgetListenerTest {
    private static final long SECOND = 1_000_000_000L;
    private static final String JSON = ParameterAveragingTest.graphJson(new Adam(0.01));

    @TempDir
    Path out;

    private final AtomicLong now = new AtomicLong();
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final PrintStream log = new PrintStream(logged, true, StandardCharsets.UTF_8);

    /** A round that advances the fake clock ({@code millis} of its index) and adds 1 to the params. */
    private TrainingLoop.RoundRunner timed(ComputationGraph g, LongUnaryOperator millis) {
        return before -> {
            now.addAndGet(millis.applyAsLong(before.round()) * 1_000_000L);
            g.params().addi(1);
            return new ParameterAveragingMaster.RoundResult(new Aggregate(g.params().toFloatVector(), new float[0], 1.0,
                    1, 8, 1, 1, 0), 0, 0, 0);
        };
    }

    /** 30 s for the first round of the process, then {@code later} (ms of a round's index). */
    private static LongUnaryOperator firstThen(long firstRound, LongUnaryOperator later) {
        return i -> i == firstRound ? 30_000 : later.applyAsLong(i);
    }

    /**
     * Scores as {@link ValidationListener} does, in 10 s on the fake clock: at the end of every epoch, after the last
     * round, and when the time budget times its pass (that round is not scored twice).
     */
    private final class Scoring implements TimeBudgetListener.Validation, TrainingLoop.Listener {
        private double seconds;
        private double last;
        private long lastScored = -1;

        @Override
        public double timedPass(TrainingLoop.Round round) {
            now.addAndGet(10 * SECOND);
            lastScored = round.index();
            last = 10;
            seconds += 10;
            return 10;
        }

        @Override
        public double secondsScoring() {
            return seconds;
        }

        @Override
        public double lastPassSeconds() {
            return last;
        }

        @Override
        public void afterRound(TrainingLoop.Round round) {
            if ((round.plan().endsEpoch(round.index()) || round.isLast()) && round.index() != lastScored) {
                timedPass(round);
            }
        }
    }

    private record Run(RunLength length, long rounds) {
    }

    private Run run(String budget, RunLength length, long firstRound) throws Exception {
        return run(budget, length, firstRound, 0, firstThen(firstRound, i -> 2_000));
    }

    /**
     * 5 rounds an epoch (k = 1), at most 200 epochs; validation every epoch; checkpoints every 50 rounds.
     *
     * @param priorWall the wall seconds a resumed run's checkpoint recorded
     * @param millis    the milliseconds of each round (by index) on the fake clock
     */
    private Run run(String budget, RunLength length, long firstRound, double priorWall, LongUnaryOperator millis)
            throws Exception {
        ComputationGraph g = ParameterAveragingTest.fresh(JSON);
        RunClock clock = new RunClock(priorWall, now::get);
        Scoring scoring = new Scoring();
        TimeBudgetListener calibration = new TimeBudgetListener(TimeBudget.parse(budget, 3), length, clock, 5,
                scoring, 1, 1, log);
        Checkpoints checkpoints = new Checkpoints(HadoopFiles.local(), out.toString());
        MetricsLog metrics = new MetricsLog(HadoopFiles.local(), out.toString(), List.of());
        ProgressListener progress = new ProgressListener(8, e -> 0.01, 0, clock, metrics, log);
        CheckpointListener checkpoint = new CheckpointListener(checkpoints, 50, g, progress, null,
                new DivergenceGuard(DivergenceGuard.Policy.STOP, 0), clock, metrics, length::decision);
        long next = new TrainingLoop(g, length::plan, timed(g, millis), List.of(calibration, progress, scoring,
                checkpoint)).run(firstRound);
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

    /** Rounds of 2 s until round 10, then of {@code later} ms: the steady state a run reaches after its warm-up. */
    private Run steadyAfterRound10(String budget, RunLength length, long later) throws Exception {
        return run(budget, length, 0, 0, firstThen(0, i -> i < 10 ? 2_000 : later));
    }

    @Test
    void fasterRoundsRePlanTheRunLongerAtTheEndOfEpochFour() throws Exception {
        Run r = steadyAfterRound10("10m", epochs200(), 1_000);
        // Round 10 (epoch 2) measures rounds 5-10 at 2 s: within 2 %. Round 20 (epoch 4) measures rounds 11-20 at 1 s
        // (their two validations left out); 113 s spent: 5 setup + 30 + 9 x 2 + 10 x 1 + 5 validations (the one due
        // after round 20 included).
        long longer = TimeBudget.parse("10m", 3).totalRounds(Duration.ofSeconds(113), 20, 1.0, 10.0, 5, 1, 10.0);
        assertEquals(179, longer);
        assertEquals(longer, r.rounds(), "rounds 40 and 80 measure the same rate: no churn");
        BudgetDecision d = r.length().decision();
        assertEquals(List.of(new BudgetDecision.Plan(4, 138, 27.6, 2.0, 10.0, false),
                new BudgetDecision.Plan(20, 179, 35.8, 1.0, 10.0, false)), d.plans());
        assertEquals(new BudgetDecision("10m", 138, 27.6, 2.0, 10.0, 4, false).replanned(d.plans().get(1)), d);
        assertEquals(1, text().lines().filter(l -> l.contains("re-planned")).count(), text());
        assertTrue(text().contains("train: time-budget 10m: re-planned after round 20: 179 rounds (35.8 epochs) at 1.00"
                + " s/round (was 138)\n"), text());
        assertTrue(text().contains("round 179/179 "), "the logs count the new total");
        assertEquals(d, new Checkpoints(HadoopFiles.local(), out.toString()).restoreLatest(ParameterAveragingTest.fresh(JSON))
                .state().timeBudget(), "the checkpoints record every plan");
        assertEquals(27.6, r.length().laidOutEpochs());
        assertEquals(List.of(new ScheduleWarp.Replan(4, 35.8)), r.length().replans());
        // 179 rounds end within the 10 minutes: 5 + 30 + 9 x 2 + 169 x 1 + 10 + 36 validations (35 epochs, the last
        // round) = 592 s; the 182 of the rate alone would not.
        assertEquals(592, now.get() / SECOND + 5);
    }

    @Test
    void slowerRoundsRePlanTheRunShorter() throws Exception {
        Run r = steadyAfterRound10("10m", epochs200(), 3_000);
        long shorter = TimeBudget.parse("10m", 3).totalRounds(Duration.ofSeconds(133), 20, 3.0, 10.0, 5, 1, 10.0);
        assertEquals(111, shorter);
        assertEquals(shorter, r.rounds());
        assertEquals(2, r.length().decision().plans().size());
        assertTrue(text().contains("re-planned after round 20: 111 rounds (22.2 epochs) at 3.00 s/round (was 138)"),
                text());
    }

    @Test
    void aRateWithinTwoPercentKeepsThePlan() throws Exception {
        Run r = steadyAfterRound10("10m", epochs200(), 1_900);
        // At round 20, 1.9 s a round affords a little more than the 138 planned, less than 2 % more.
        long affordable = TimeBudget.parse("10m", 3).totalRounds(Duration.ofSeconds(122), 20, 1.9, 10.0, 5, 1, 10.0);
        assertTrue(affordable > 138 && affordable <= 138 * 1.02, "affords " + affordable);
        assertEquals(138, r.rounds());
        assertEquals(1, r.length().decision().plans().size());
        assertFalse(text().contains("re-planned"), text());
    }

    /** The plans' totals and the rounds after which they were made, in order. */
    private static void assertPlans(List<BudgetDecision.Plan> plans, List<Long> rounds, List<Long> afterRounds) {
        assertEquals(rounds, plans.stream().map(BudgetDecision.Plan::rounds).toList(), plans.toString());
        assertEquals(afterRounds, plans.stream().map(BudgetDecision.Plan::afterRound).toList(), plans.toString());
    }

    @Test
    void fasterRoundsOnceHalfTheRunIsDoneLengthenItToUseTheBudget() throws Exception {
        // From round 71 on the rounds take 1 s, past every doubling point (round 80 is past half of 138): the 138
        // rounds would end at 531 s, 69 s early.
        Run r = run("10m", epochs200(), 0, 0, firstThen(0, i -> i < 70 ? 2_000 : 1_000));
        // Round 75 measures rounds 41-75 since the doubling point at round 40 (1.86 s: within 2 %); round 80 rounds
        // 41-80 (1.75 s: 143 rounds); the new plan opens a new window, and round 85 measures rounds 81-85 at 1 s.
        List<BudgetDecision.Plan> plans = r.length().decision().plans();
        assertPlans(plans, List.of(138L, 143L, 159L), List.of(4L, 80L, 85L));
        assertEquals(List.of(2.0, 1.75, 1.0), plans.stream().map(BudgetDecision.Plan::secondsPerRound).toList());
        assertEquals(159, r.rounds());
        // 5 + 30 + 69 x 2 + 89 x 1 + 33 validations (the calibration's, 31 epoch ends, the last round's) = 592 s.
        assertEquals(592, now.get() / SECOND + 5, "the lengthened run uses the budget");
    }

    @Test
    void slowerRoundsOnceHalfTheRunIsDoneShortenItToEndWithinTheBudget() throws Exception {
        // The 138 rounds planned at 2 s would end at 599 s: 5 setup + 30 + 137 x 2 + 29 validations (the calibration's,
        // 27 epoch ends, the last round's). From round 81 on the rounds take 3 s, past every doubling point (round 80
        // is past half of 138): the 58 rounds left would end at 657 s, 57 s over the budget.
        Run r = run("10m", epochs200(), 0, 0, firstThen(0, i -> i < 80 ? 2_000 : 3_000));
        // Round 85 (epoch 17) measures rounds 41-85 since the doubling point at round 40: 2.11 s, more than 2 % fewer
        // rounds affordable; the shortened plan opens a new window, and round 90 measures rounds 86-90 at 3 s.
        // Rounds 70, 75 and 80 were within 2 %.
        List<BudgetDecision.Plan> plans = r.length().decision().plans();
        assertPlans(plans, List.of(138L, 134L, 125L), List.of(4L, 85L, 90L));
        assertEquals(3.0, plans.get(2).secondsPerRound());
        assertEquals(125, r.rounds());
        assertTrue(text().contains("re-planned after round 90: 125 rounds (25.0 epochs) at 3.00 s/round (was 134)"),
                text());
        // 5 + 30 + 79 x 2 + 45 x 3 + 26 validations (the calibration's, 24 epoch ends, the last round's) = 588 s.
        assertEquals(588, now.get() / SECOND + 5, "the shortened run ends within the budget");
    }

    @Test
    void theRePlannedScheduleKeepsItsRateAtTheRePlanAndEndsWithTheLastRound() throws Exception {
        Run r = steadyAfterRound10("10m", epochs200(), 1_000);
        long last = r.rounds();
        for (String schedule : List.of("cosine", "poly", "one-cycle")) {
            TrainConfig cfg = train("lr-schedule", schedule, "epochs", "200", "learning-rate", "0.1", "family", "googlenet",
                    "width", "0.25", "time-budget", "10m");
            double floor = cfg.resolvedRecipe().learningRate().decay().factor(Double.MAX_VALUE, 0) * 0.1;
            IUpdater first = ScheduleSettingsTest.updater(DistributedTrainer.model(cfg, metadata(32, 4, 100), 0, 5,
                    r.length().laidOutEpochs()).configuration());
            IUpdater replanned = ScheduleSettingsTest.updater(DistributedTrainer.model(cfg, metadata(32, 4, 100), 0, 5,
                    r.length().laidOutEpochs(), r.length().replans()).configuration());
            // k = 1: step i is round i + 1. Rounds 1-20 trained before the re-plan; step 20 is the first after it.
            for (int step = 0; step <= 20; step++) {
                assertEquals(first.getLearningRate(step, step / 5), replanned.getLearningRate(step, step / 5), 0.0,
                        schedule + " step " + step);
            }
            assertEquals(floor, first.getLearningRate(138, 27), 0.0, schedule + ": the first plan ended at 138");
            assertTrue(replanned.getLearningRate(138, 27) > floor, schedule);
            assertEquals(floor, replanned.getLearningRate((int) last, (int) (last / 5)), 0.0, schedule);
            assertTrue(replanned.getLearningRate((int) last - 1, (int) ((last - 1) / 5)) > floor, schedule);
        }
    }

    @Test
    void aResumedRunReusesTheRecordedPlansAndRePlansLaterByTheSameRule() throws Exception {
        TrainConfig cfg = train("lr-schedule", "cosine", "warmup-epochs", "1", "epochs", "200", "learning-rate", "0.1",
                "family", "googlenet", "width", "0.25", "time-budget", "10m");
        Run straight = steadyAfterRound10("10m", epochs200(), 1_000);
        List<Double> straightRates = rates(cfg, straight.length(), straight.rounds());

        Path dir = out.resolve("interrupted");
        out = dir;
        Run interrupted = steadyAfterRound10("10m", new RunLength(new RoundPlan(1000, 5, 1, 200), 25L, null), 1_000);
        assertEquals(25, interrupted.rounds());
        Checkpoints.State state = new Checkpoints(HadoopFiles.local(), dir.toString())
                .restoreLatest(ParameterAveragingTest.fresh(JSON)).state();
        assertEquals(straight.length().decision(), state.timeBudget(), "both plans were recorded at round 25");
        logged.reset();
        Run resumed = run("10m", new RunLength(new RoundPlan(1000, 5, 1, 200), null, state.timeBudget()), 25,
                state.wallSeconds(), firstThen(25, i -> 1_000));
        // The resumed process spends 30 s on its first round and 5 s on setup again: at round 40 (epoch 8) the
        // budget affords fewer rounds than the recorded 182, and the run re-plans by the same rule.
        List<BudgetDecision.Plan> plans = resumed.length().decision().plans();
        assertEquals(straight.length().decision().plans(), plans.subList(0, 2), "the recorded plans are kept exactly");
        assertEquals(3, plans.size(), plans.toString());
        assertEquals(40, plans.get(2).afterRound());
        assertTrue(plans.get(2).rounds() < 179, plans.toString());
        assertEquals(plans.get(2).rounds(), resumed.rounds());
        List<Double> resumedRates = rates(cfg, resumed.length(), resumed.rounds());
        assertEquals(straightRates.subList(0, 41), resumedRates.subList(0, 41),
                "the same rate every step up to the resumed run's own re-plan (step 40 included)");
        assertTrue(resumedRates.get(100) < straightRates.get(100), "then the shorter run decays sooner");
    }

    /** The learning rate of every step (k = 1: of every round) of a run's schedule, as the recipe computes it. */
    private static List<Double> rates(TrainConfig cfg, RunLength length, long rounds) {
        TrainingRecipe.LearningRate lr = cfg.resolvedRecipe(0, 5, length.laidOutEpochs(), length.replans()).learningRate();
        return java.util.stream.LongStream.range(0, rounds).mapToObj(step -> lr.at(step / 5.0, 0.2)).toList();
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
