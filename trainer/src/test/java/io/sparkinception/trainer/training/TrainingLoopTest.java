package io.sparkinception.trainer.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.common.HadoopFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The round loop without Spark: a fake round adds 1 to every parameter of a small real graph (the master's effect
 * on the driver graph), so the listeners' effects on the graph, the metrics and the checkpoints can be checked.
 */
class TrainingLoopTest {
    private static final String JSON = ParameterAveragingTest.graphJson(new Adam(0.01));

    @TempDir
    Path out;

    private final List<String> events = new ArrayList<>();

    /** Adds 1 to every parameter; the loss is NaN in the given rounds (1-based). */
    private TrainingLoop.RoundRunner plusOne(ComputationGraph g, Set<Long> nanRounds) {
        return before -> {
            events.add("run " + (before.round() + 1) + " it " + before.iteration() + " ep " + before.epoch());
            g.params().addi(1);
            float[] p = g.params().toFloatVector();
            double loss = nanRounds.contains(before.round() + 1) ? Double.NaN : 1.0 / (before.round() + 1);
            return new ParameterAveragingMaster.RoundResult(new Aggregate(p, new float[0], loss, 1, 8, 1, 1, 0), 0, 0, 0);
        };
    }

    /** Records what it hears; stops the run after round {@code stopAfter} (1-based; 0: never). */
    private TrainingLoop.Listener recorder(String name, long stopAfter) {
        return new TrainingLoop.Listener() {
            @Override
            public void afterRound(TrainingLoop.Round r) {
                events.add(name + " " + r.number() + (r.kept() ? "" : " discarded") + (r.isLast() ? " last" : ""));
                if (r.number() == stopAfter) {
                    r.stop();
                }
            }

            @Override
            public void afterLoop(long nextRound) {
                events.add(name + " end " + nextRound);
            }
        };
    }

    @Test
    void eachRoundRunsThenEveryListenerHearsOfItInOrder() throws Exception {
        ComputationGraph g = ParameterAveragingTest.fresh(JSON);
        // 4 steps per epoch, k = 2: rounds 1-2 in epoch 0, round 3 in epoch 1.
        RoundPlan plan = new RoundPlan(3, 4, 2, 2);
        long next = new TrainingLoop(g, plan, plusOne(g, Set.of()), List.of(recorder("a", 0), recorder("b", 0))).run(0);
        assertEquals(3, next);
        assertEquals(List.of("run 1 it 0 ep 0", "a 1", "b 1", "run 2 it 2 ep 0", "a 2", "b 2",
                "run 3 it 4 ep 1", "a 3 last", "b 3 last", "a end 3", "b end 3"), events);
    }

    @Test
    void aListenerStopsTheRunAfterTheRoundEveryListenerHasSeen() throws Exception {
        ComputationGraph g = ParameterAveragingTest.fresh(JSON);
        long next = new TrainingLoop(g, new RoundPlan(10, 4, 1, 3), plusOne(g, Set.of()),
                List.of(recorder("a", 2), recorder("b", 0))).run(0);
        assertEquals(2, next);
        assertEquals(List.of("run 1 it 0 ep 0", "a 1", "b 1", "run 2 it 1 ep 0", "a 2", "b 2", "a end 2", "b end 2"),
                events);
    }

    @Test
    void aResumedLoopStartsAtItsRound() throws Exception {
        ComputationGraph g = ParameterAveragingTest.fresh(JSON);
        new TrainingLoop(g, new RoundPlan(4, 4, 2, 2), plusOne(g, Set.of()), List.of(recorder("a", 0))).run(2);
        assertEquals(List.of("run 3 it 4 ep 1", "a 3", "run 4 it 6 ep 1", "a 4 last", "a end 4"), events);
    }

    /** The real listeners of a run (without validation), as DistributedTrainer wires them. */
    private record Wired(DivergenceGuard guard, MetricsLog metrics, ProgressListener progress, EmaListener ema,
                         List<TrainingLoop.Listener> all) {
    }

    private Wired wire(ComputationGraph g, DivergenceGuard.Policy policy, int checkpointEvery) {
        HadoopFiles files = HadoopFiles.local();
        DivergenceGuard guard = new DivergenceGuard(policy, 0);
        RunClock clock = new RunClock(0);
        MetricsLog metrics = new MetricsLog(files, out.toString(), List.of());
        PrintStream log = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        ProgressListener progress = new ProgressListener(8, epoch -> 0.01 * guard.learningRateScale(), 0, clock, metrics, log);
        EmaListener ema = new EmaListener(0.5, g, g.params().toFloatVector());
        CheckpointListener checkpoints = new CheckpointListener(new Checkpoints(files, out.toString()), checkpointEvery, g,
                progress, ema, guard, clock, metrics, () -> null);
        return new Wired(guard, metrics, progress, ema, List.of(
                new DivergenceListener(guard, true, g, metrics, out.toString(), log), progress, ema, checkpoints));
    }

    @Test
    void checkpointsAreWrittenEveryNRoundsAndAfterTheLastWithTheMetricsSoFar() throws Exception {
        ComputationGraph g = ParameterAveragingTest.fresh(JSON);
        Wired w = wire(g, DivergenceGuard.Policy.STOP, 2);
        new TrainingLoop(g, new RoundPlan(5, 4, 1, 2), plusOne(g, Set.of()), w.all()).run(0);
        Path dir = out.resolve("checkpoints");
        for (String name : List.of("round-00000002", "round-00000004", "round-00000005")) {
            assertTrue(Files.exists(dir.resolve(name).resolve(Checkpoints.MANIFEST)), name);
        }
        for (String name : List.of("round-00000001", "round-00000003")) {
            assertFalse(Files.exists(dir.resolve(name)), name);
        }
        Checkpoints.Restored last = new Checkpoints(HadoopFiles.local(), out.toString())
                .restoreLatest(ParameterAveragingTest.fresh(JSON));
        assertEquals(5, last.state().nextRound());
        assertEquals(40, last.state().examplesSeen());
        assertArrayEquals(w.ema().ema(), last.state().ema());
        List<MetricsLine> written = RunRecords.readMetrics(HadoopFiles.local(), out.toString());
        assertEquals(last.state().metrics(), written);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), written.stream().map(MetricsLine::round).toList());
        assertEquals(1.25, ((RoundMetrics) written.get(4)).epoch());
    }

    @Test
    void aDivergedRoundIsRestoredAndTheLaterListenersSeeItDiscarded() throws Exception {
        ComputationGraph g = ParameterAveragingTest.fresh(JSON);
        float[] start = g.params().toFloatVector();
        Wired w = wire(g, DivergenceGuard.Policy.SKIP_ROUND_AND_HALVE_LR, 100);
        new TrainingLoop(g, new RoundPlan(3, 4, 1, 1), plusOne(g, Set.of(2L)), w.all()).run(0);
        // Rounds 1 and 3 kept (+1 each), round 2 undone.
        float[] end = g.params().toFloatVector();
        for (int i = 0; i < end.length; i++) {
            assertEquals(start[i] + 2, end[i], 1e-5);
        }
        assertEquals(1, w.guard().halvings());
        assertEquals(16, w.progress().examplesSeen());
        List<MetricsLine> lines = w.metrics().lines();
        assertEquals(List.of(RoundMetrics.class, DivergenceEvent.class, RoundMetrics.class),
                lines.stream().map(Object::getClass).toList());
        assertEquals(0.01, ((RoundMetrics) lines.get(0)).learningRate());
        assertEquals(0.005, ((RoundMetrics) lines.get(2)).learningRate());
        assertEquals("skip", ((DivergenceEvent) lines.get(1)).action());
    }

    @Test
    void aPlanCountsRoundsAndEpochsAsTheLogsDo() {
        // 10 examples in the largest partition, batch 3: 4 steps per epoch; k 3 over 2 epochs: ceil(8 / 3) = 3 rounds.
        RoundPlan p = RoundPlan.of(10, 3, 3, 2, null);
        assertEquals(new RoundPlan(3, 4, 3, 2), p);
        assertEquals(2, RoundPlan.of(10, 3, 3, 2, 2L).totalRounds());
        assertEquals(0, p.epoch(1));
        assertTrue(p.endsEpoch(1));
        assertEquals(1, p.epochsDoneAfter(1));
        assertEquals(1.5, p.epochAfter(1));
        assertFalse(p.endsEpoch(0));
        assertTrue(p.isLast(2));
    }
}
