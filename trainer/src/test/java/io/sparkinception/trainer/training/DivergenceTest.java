package io.sparkinception.trainer.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.common.Json;
import io.sparkinception.preprocessing.MetadataIO;
import io.sparkinception.testing.LocalSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Numerical faults end to end in local[2] on generated data: a learning rate that makes the loss non-finite stops
 * the run naming the round, keeps the last good checkpoint as latest, and {@code skip-round-and-halve-lr} discards
 * faulty rounds, halves the rate and stops after three in a row.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DivergenceTest {
    private SparkSession spark;
    private Path root;
    private String data;

    @BeforeAll
    void prepare(@TempDir Path dir) throws Exception {
        root = dir;
        spark = LocalSpark.start("divergence");
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
        flags.putAll(Map.of("checkpoint-every", "1", "epochs", "1", "max-rounds", "8", "recipe", "sgd-momentum",
                "augment.random-crop", "false"));
        flags.putAll(extra);
        return TrainConfig.load(null, flags);
    }

    private static String text(ByteArrayOutputStream b) {
        return b.toString(StandardCharsets.UTF_8);
    }

    private static List<MetricsLine> metrics(String out) throws Exception {
        return RunRecords.parseMetrics(Files.readString(Path.of(out, RunRecords.METRICS)), out);
    }

    private static <T extends MetricsLine> List<T> lines(String out, Class<T> type) throws Exception {
        return metrics(out).stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static List<DivergenceEvent> divergences(String out) throws Exception {
        return lines(out, DivergenceEvent.class);
    }

    private static String pointer(String out) throws Exception {
        return Files.readString(Path.of(out, "checkpoints", "latest")).trim();
    }

    /** The parameters and updater state of a checkpoint, restored into a fresh graph of the run's configuration. */
    private float[][] checkpointState(TrainConfig cfg, String out, long round) throws Exception {
        org.deeplearning4j.nn.graph.ComputationGraph g = DistributedTrainer.model(cfg,
                MetadataIO.read(io.sparkinception.common.HadoopFiles.local(), data)).init();
        try (var in = Files.newInputStream(Path.of(out, "checkpoints", Checkpoints.nameOf(round), "model.zip"))) {
            var saved = org.deeplearning4j.util.ModelSerializer.restoreComputationGraph(in, true);
            return new float[][] {saved.params().toFloatVector(), PartitionTrainer.updaterState(saved)};
        }
    }

    @Test
    void aNonFiniteLossStopsNamingTheRoundAndLatestStaysTheLastGoodCheckpoint() throws Exception {
        String out = root.resolve("stop").toString();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> DistributedTrainer.run(spark,
                config(out, Map.of("learning-rate", "1e6")), new PrintStream(log, true, StandardCharsets.UTF_8)));
        // Measured: rounds 1 and 2 finite (loss 2.67, 1.8e13), round 3 NaN.
        assertEquals(3, e.round(), e.getMessage());
        assertTrue(e.getMessage().startsWith("round 3 diverged: loss NaN"), e.getMessage());
        assertTrue(e.getMessage().contains("last good checkpoint"), e.getMessage());
        assertEquals("round-00000002", pointer(out), "the NaN round never becomes latest");
        assertFalse(Files.exists(Path.of(out, "checkpoints", "round-00000003")));
        for (String f : List.of("summary.json", "model.zip", "inference-model.zip")) {
            assertFalse(Files.exists(Path.of(out, f)), f + ": a diverged run leaves no finished-looking output");
        }
        List<DivergenceEvent> events = divergences(out);
        assertEquals(1, events.size(), events.toString());
        assertEquals(3, events.get(0).round());
        assertEquals("stop", events.get(0).action());
        assertTrue(Double.isNaN(events.get(0).loss()));

        // --resume takes that checkpoint, says so, and (same settings, deterministic) diverges at the same round.
        ByteArrayOutputStream resumed = new ByteArrayOutputStream();
        TrainingDivergedException again = assertThrows(TrainingDivergedException.class, () -> DistributedTrainer.run(spark,
                config(out, Map.of("learning-rate", "1e6", "resume", "true")),
                new PrintStream(resumed, true, StandardCharsets.UTF_8)));
        assertTrue(text(resumed).contains("using checkpoint round-00000002 (the pointer's)"), text(resumed));
        assertEquals(e.getMessage(), again.getMessage());

        // Without --resume the output is refused, even when the pointer is gone (a crash's leftovers are a run too).
        Files.delete(Path.of(out, "checkpoints", "latest"));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> DistributedTrainer.run(spark,
                config(out, Map.of("learning-rate", "0.01")), new PrintStream(new ByteArrayOutputStream())));
        assertTrue(refused.getMessage().contains("already holds a training run; pass --resume"), refused.getMessage());
    }

    @Test
    void skipRoundAndHalveLrRestoresThePreRoundStateAndStopsAfterThreeInARow() throws Exception {
        String out = root.resolve("skip-stop").toString();
        TrainConfig cfg = config(out, Map.of("learning-rate", "1e6", "on-divergence", "skip-round-and-halve-lr"));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> DistributedTrainer.run(spark, cfg, new PrintStream(log, true, StandardCharsets.UTF_8)));
        // Round 3 diverges at 1e6, rounds 4 and 5 (from round 2's state) at 5e5 and 2.5e5: three in a row.
        assertEquals(5, e.round(), text(log));
        assertTrue(e.getMessage().contains("3 faulty rounds in a row"), e.getMessage());
        List<DivergenceEvent> events = divergences(out);
        assertEquals(List.of("skip", "skip", "stop"), events.stream().map(DivergenceEvent::action).toList());
        assertEquals(0.5, events.get(0).learningRateScale());
        assertEquals(0.25, events.get(1).learningRateScale());
        // A skipped round leaves the state it started from: checkpoints 3 and 4 hold round 2's bits.
        float[][] two = checkpointState(cfg, out, 2);
        for (long r : new long[] {3, 4}) {
            float[][] skipped = checkpointState(cfg, out, r);
            assertTrue(java.util.Arrays.equals(two[0], skipped[0]), "parameters of round-" + r);
            assertTrue(java.util.Arrays.equals(two[1], skipped[1]), "updater state of round-" + r);
        }
        assertEquals("round-00000004", pointer(out));
        // Round metrics exist only for kept rounds.
        assertEquals(2, lines(out, RoundMetrics.class).size());
    }

    @Test
    void skipRoundAndHalveLrDiscardsTheRoundOfABadRecordAndFinishesAtHalfTheRate() throws Exception {
        String bad = GeneratedData.withOneNaNExample(spark, data, root.resolve("nan-data"));
        String out = root.resolve("skip-recover").toString();
        Map<String, String> flags = new HashMap<>(Map.of("learning-rate", "0.01", "on-divergence", "skip-round-and-halve-lr",
                "data", bad));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        DistributedTrainer.Summary s = DistributedTrainer.run(spark, config(out, flags),
                new PrintStream(log, true, StandardCharsets.UTF_8));
        assertEquals(1, s.divergenceSkips(), text(log));
        assertEquals(0.5, s.learningRateScale());
        assertEquals(7, s.rounds());
        List<DivergenceEvent> events = divergences(out);
        assertEquals(1, events.size(), events.toString());
        assertEquals("skip", events.get(0).action());
        long skipped = events.get(0).round();
        assertEquals(s, RunRecords.parseSummary(Files.readString(Path.of(out, RunRecords.SUMMARY)), out));
        List<RoundMetrics> rounds = lines(out, RoundMetrics.class);
        assertEquals(6, rounds.size(), "no round metrics for the discarded round");
        for (RoundMetrics m : rounds) {
            assertEquals(m.round() < skipped ? 0.01 : 0.005, m.learningRate(), 1e-12, m.toString());
            assertTrue(Double.isFinite(m.loss()), m.toString());
        }
        assertTrue(s.paramsSha256().length() == 64);
    }
}
