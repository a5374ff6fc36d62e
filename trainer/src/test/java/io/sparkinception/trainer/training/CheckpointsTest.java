package io.sparkinception.trainer.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.common.HadoopFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Atomic {@code latest} and verified checkpoints: each test leaves the state a crash at one step of
 * {@link Checkpoints#write} would leave (by calling the steps {@code stage}, {@code publish}, {@code point} one by
 * one, or by damaging files) and asserts which checkpoint {@code --resume} picks.
 */
class CheckpointsTest {
    private static final String JSON = ParameterAveragingTest.graphJson(new Adam(0.01));

    @TempDir
    Path out;
    private Checkpoints checkpoints;

    @BeforeEach
    void create() {
        checkpoints = new Checkpoints(HadoopFiles.local(), out.toString());
    }

    /** A network whose parameters and Adam state depend on {@code round} (so checkpoints differ). */
    private static ComputationGraph trained(int round) {
        ComputationGraph g = ParameterAveragingTest.fresh(JSON);
        PartitionTrainer t = new PartitionTrainer(ParameterAveragingTest.settings(JSON, 2, 1));
        Example[] data = ParameterAveragingTest.examples(4, 9).toArray(new Example[0]);
        for (int step = 0; step < round; step++) {
            g.fit(t.batch(0, data, step, 1));
        }
        return g;
    }

    private static Checkpoints.State state(long round) {
        return new Checkpoints.State(round, round * 10, round * 1.5, List.of(new RoundMetrics(round, round / 2.0, 1.5, 0.01,
                round * 10, 100, 0.1, 1, 0.8, 0.05)),
                new float[] {round, -round, 0.25f}, (int) round % 3);
    }

    private Path dir(String name) {
        return out.resolve("checkpoints").resolve(name);
    }

    private Checkpoints.Restored resume() throws Exception {
        return checkpoints.restoreLatest(ParameterAveragingTest.fresh(JSON));
    }

    /** Overwrites one byte of a file and drops Hadoop's .crc beside it, so only the manifest can notice. */
    private static void corrupt(Path file) throws Exception {
        byte[] b = Files.readAllBytes(file);
        b[b.length / 2] ^= 0x5A;
        Files.write(file, b);
        Files.deleteIfExists(file.resolveSibling("." + file.getFileName() + ".crc"));
    }

    @Test
    void aCompleteCheckpointRestoresBitForBitAndIsNamedByThePointer() throws Exception {
        ComputationGraph g = trained(2);
        checkpoints.write(g, state(2));
        assertEquals("round-00000002", Files.readString(dir("latest")).trim());
        assertFalse(Files.exists(dir("._tmp_latest")), "the pointer's temporary file was renamed over it");
        assertTrue(Files.exists(dir("round-00000002").resolve(Checkpoints.MANIFEST)));

        ComputationGraph into = ParameterAveragingTest.fresh(JSON);
        Checkpoints.Restored r = checkpoints.restoreLatest(into);
        assertEquals("round-00000002", r.name());
        assertEquals("using checkpoint round-00000002 (the pointer's)", r.note());
        assertArrayEquals(g.params().toFloatVector(), into.params().toFloatVector());
        assertArrayEquals(PartitionTrainer.updaterState(g), PartitionTrainer.updaterState(into));
        assertEquals(2, r.state().nextRound());
        assertEquals(20, r.state().examplesSeen());
        assertArrayEquals(new float[] {2, -2, 0.25f}, r.state().ema());
        assertEquals(2, r.state().learningRateHalvings());
        assertEquals(List.of(state(2).metrics().get(0)), r.state().metrics());
    }

    @Test
    void noCheckpointAtAllIsAFreshStart() throws Exception {
        assertFalse(checkpoints.exist());
        assertNull(resume());
    }

    @Test
    void aCrashWhileStagingLeavesThePreviousCheckpoint() throws Exception {
        checkpoints.write(trained(2), state(2));
        // Crash before the manifest: a temporary directory with some files.
        checkpoints.stage(trained(4), state(4));
        Files.delete(dir("._tmp_round-00000004").resolve(Checkpoints.MANIFEST));
        assertEquals("round-00000002", resume().name());
        // Crash after staging, before the rename: the complete temporary directory is not a checkpoint either.
        checkpoints.stage(trained(4), state(4));
        Checkpoints.Restored r = resume();
        assertEquals("round-00000002", r.name());
        assertEquals("using checkpoint round-00000002 (the pointer's)", r.note());
    }

    @Test
    void aCrashAfterTheRenameBeforeThePointerSwitchUsesTheNewerCompleteCheckpoint() throws Exception {
        checkpoints.write(trained(2), state(2));
        ComputationGraph four = trained(4);
        checkpoints.publish(checkpoints.stage(four, state(4)));
        assertEquals("round-00000002", Files.readString(dir("latest")).trim(), "stale pointer");
        ComputationGraph into = ParameterAveragingTest.fresh(JSON);
        Checkpoints.Restored r = checkpoints.restoreLatest(into);
        assertEquals("round-00000004", r.name());
        assertTrue(r.note().contains("the pointer names round-00000002; round-00000004 is the newest verified"), r.note());
        assertArrayEquals(four.params().toFloatVector(), into.params().toFloatVector());
    }

    @Test
    void aCrashWhileWritingThePointerKeepsAValidPointer() throws Exception {
        checkpoints.write(trained(2), state(2));
        checkpoints.publish(checkpoints.stage(trained(4), state(4)));
        Files.writeString(dir("._tmp_latest"), "round-0000");
        assertEquals("round-00000002", Files.readString(dir("latest")).trim());
        assertEquals("round-00000004", resume().name());
        // The next switch replaces the leftover and the pointer in one rename.
        checkpoints.point("round-00000004");
        assertEquals("round-00000004", Files.readString(dir("latest")).trim());
        assertFalse(Files.exists(dir("._tmp_latest")));
    }

    @Test
    void aMissingPointerFindsTheNewestVerifiedCheckpoint() throws Exception {
        checkpoints.write(trained(2), state(2));
        checkpoints.write(trained(4), state(4));
        Files.delete(dir("latest"));
        assertTrue(checkpoints.exist());
        Checkpoints.Restored r = resume();
        assertEquals("round-00000004", r.name());
        assertTrue(r.note().contains("no pointer"), r.note());
    }

    @Test
    void aHalfWrittenCheckpointDirectoryIsPassedOver() throws Exception {
        checkpoints.write(trained(2), state(2));
        checkpoints.write(trained(4), state(4));
        // What a non-atomic directory rename (an object store) interrupted half way leaves: files missing.
        Files.delete(dir("round-00000004").resolve("ema.bin"));
        Checkpoints.Restored r = resume();
        assertEquals("round-00000002", r.name());
        assertTrue(r.note().contains("passed over round-00000004: ema.bin is missing"), r.note());
        // And one whose manifest never arrived.
        Files.delete(dir("round-00000004").resolve(Checkpoints.MANIFEST));
        assertTrue(resume().note().contains("round-00000004: incomplete (no manifest.json)"));
    }

    @Test
    void aCorruptModelZipFailsItsChecksumAndTheOlderCheckpointIsUsed() throws Exception {
        ComputationGraph two = trained(2);
        checkpoints.write(two, state(2));
        checkpoints.write(trained(4), state(4));
        corrupt(dir("round-00000004").resolve("model.zip"));
        ComputationGraph into = ParameterAveragingTest.fresh(JSON);
        Checkpoints.Restored r = checkpoints.restoreLatest(into);
        assertEquals("round-00000002", r.name());
        assertTrue(r.note().contains("the pointer names round-00000004"), r.note());
        assertTrue(r.note().contains("model.zip has SHA-256"), r.note());
        assertArrayEquals(two.params().toFloatVector(), into.params().toFloatVector());
    }

    @Test
    void checkpointsOfWhichNoneIsValidFailInsteadOfStartingFromScratch() throws Exception {
        checkpoints.write(trained(2), state(2));
        corrupt(dir("round-00000002").resolve("state.json"));
        IllegalStateException e = assertThrows(IllegalStateException.class, this::resume);
        assertTrue(e.getMessage().contains("none is complete and verified"), e.getMessage());
        assertTrue(e.getMessage().contains("round-00000002: state.json has SHA-256"), e.getMessage());
        assertTrue(e.getMessage().contains("refusing to start from scratch"), e.getMessage());

        // Only a pointer left (its directory gone): still a run that must not be silently restarted.
        Files.walk(dir("round-00000002")).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        assertTrue(checkpoints.exist());
        e = assertThrows(IllegalStateException.class, this::resume);
        assertTrue(e.getMessage().contains("pointer names round-00000002"), e.getMessage());
    }

    @Test
    void verifyingWithoutANetworkPicksWhatResumeWouldAndFailsNamingTheBadFile() throws Exception {
        assertNull(checkpoints.verify(), "no checkpoint: a fresh start");
        checkpoints.write(trained(2), state(2));
        checkpoints.write(trained(4), state(4));
        assertEquals("using checkpoint round-00000004 (the pointer's)", checkpoints.verify());
        corrupt(dir("round-00000004").resolve("model.zip"));
        String note = checkpoints.verify();
        assertEquals(resume().note(), note);
        assertTrue(note.startsWith("using checkpoint round-00000002") && note.contains("round-00000004: model.zip has SHA-256"),
                note);
        corrupt(dir("round-00000002").resolve("model.zip"));
        IllegalStateException e = assertThrows(IllegalStateException.class, checkpoints::verify);
        assertTrue(e.getMessage().contains("round-00000004: model.zip has SHA-256")
                && e.getMessage().contains("round-00000002: model.zip has SHA-256"), e.getMessage());
    }

    @Test
    void rewritingARoundReplacesTheInvalidDirectoryOfThatName() throws Exception {
        checkpoints.write(trained(2), state(2));
        checkpoints.write(trained(4), state(4));
        corrupt(dir("round-00000004").resolve("model.zip"));
        assertEquals("round-00000002", resume().name());
        // The resumed run reaches round 4 again and writes it anew.
        ComputationGraph four = trained(4);
        checkpoints.write(four, state(4));
        ComputationGraph into = ParameterAveragingTest.fresh(JSON);
        assertEquals("round-00000004", checkpoints.restoreLatest(into).name());
        assertArrayEquals(four.params().toFloatVector(), into.params().toFloatVector());
    }
}
