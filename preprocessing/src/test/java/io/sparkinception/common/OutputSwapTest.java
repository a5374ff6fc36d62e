package io.sparkinception.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process killed at any point of a swap (simulated: the swap is abandoned without {@code close}, or its commit
 * stops after N renames) leaves the old or the new output and a marked staging directory; the next swap of the same
 * output finishes or clears that, and touches nothing it did not write.
 */
class OutputSwapTest {
    private final HadoopFiles files = HadoopFiles.local();
    private final Predicate<String> finished = dir -> files.exists(dir + "/metadata.json");

    private static String uri(Path p) {
        return p.toUri().toString().replaceAll("/$", "");
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            // Hadoop's local file system keeps a .NAME.crc checksum beside each file it writes.
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".crc")).sorted().toList();
        }
    }

    /** A user's file beside the output and a user's directory that merely looks like one of our staging ones. */
    private static void userFiles(Path parent) throws IOException {
        Files.writeString(parent.resolve("notes.txt"), "mine");
        Files.createDirectories(parent.resolve(".out.staging-mine"));
        Files.writeString(parent.resolve(".out.staging-mine/keep.txt"), "mine too");
    }

    private static void assertUserFilesIntact(Path parent) throws IOException {
        assertEquals("mine", Files.readString(parent.resolve("notes.txt")));
        assertEquals("mine too", Files.readString(parent.resolve(".out.staging-mine/keep.txt")));
    }

    @Test
    void aKilledRunLeavesTheOldOutputAndOnlyItsMarkedStagingIsDeletedByTheNextRun(@TempDir Path dir) throws IOException {
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.writeString(out.resolve("metadata.json"), "old");
        userFiles(dir);
        OutputSwap killed = OutputSwap.directory(files, uri(out), true, "preprocess", finished);
        files.writeAtomically(killed.dir() + "/part-0", "half");
        // Killed here: no commit, no close.
        assertEquals("old", Files.readString(out.resolve("metadata.json")));
        assertEquals(List.of("metadata.json"), names(out), "the old output is untouched");
        String leftover = Path.of(java.net.URI.create(killed.dir())).getFileName().toString();
        assertTrue(leftover.startsWith(".out.staging-"), leftover);
        assertTrue(names(dir).contains(leftover));

        try (OutputSwap next = OutputSwap.directory(files, uri(out), true, "preprocess", finished)) {
            assertFalse(names(dir).contains(leftover), "the marked leftover is deleted");
            files.writeAtomically(next.dir() + "/metadata.json", "new");
            next.commit();
        }
        assertEquals("new", Files.readString(out.resolve("metadata.json")));
        assertEquals(List.of("metadata.json"), names(out), "no marker left in the output");
        assertEquals(List.of(".out.staging-mine", "notes.txt", "out"), names(dir));
        assertUserFilesIntact(dir);
    }

    @Test
    void aKillDuringTheRenamesOfAWholeDirectoryCommitIsFinishedByTheNextRun(@TempDir Path dir) throws IOException {
        for (int renames = 0; renames <= 1; renames++) {
            Path parent = Files.createDirectories(dir.resolve("k" + renames));
            Path out = Files.createDirectories(parent.resolve("out"));
            Files.writeString(out.resolve("metadata.json"), "old");
            userFiles(parent);
            OutputSwap killed = OutputSwap.directory(files, uri(out), true, "preprocess", finished);
            files.writeAtomically(killed.dir() + "/metadata.json", "new");
            killed.killAfterRenames(renames);
            assertThrows(OutputSwap.SimulatedKill.class, killed::commit);
            killed.close();
            if (renames == 1) {
                assertFalse(Files.exists(out), "between the renames: the old output is aside, the new one staged");
            } else {
                assertEquals("old", Files.readString(out.resolve("metadata.json")));
            }
            // The next run (here without --overwrite, so it may only recover, then refuses the finished output).
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> OutputSwap.directory(files, uri(out), false, "preprocess", finished));
            assertTrue(e.getMessage().contains("already holds a finished run"), e.getMessage());
            assertEquals(renames == 1 ? "new" : "old", Files.readString(out.resolve("metadata.json")),
                    "a commit that had started is finished; one that had not leaves the old output");
            assertEquals(List.of("metadata.json"), names(out));
            assertEquals(List.of(".out.staging-mine", "notes.txt", "out"), names(parent), "nothing else left");
            assertUserFilesIntact(parent);
        }
    }

    @Test
    void aKillAtEveryRenameOfAnEntriesCommitIsFinishedByTheNextRun(@TempDir Path dir) throws IOException {
        List<String> owned = List.of("predict.json", "predictions", "skipped.csv");
        // Renames: predict.json and skipped.csv aside (2), predict.json and predictions in (2).
        for (int renames = 0; renames <= 4; renames++) {
            Path parent = Files.createDirectories(dir.resolve("k" + renames));
            Path out = Files.createDirectories(parent.resolve("out"));
            Files.writeString(out.resolve("predict.json"), "old");
            Files.writeString(out.resolve("skipped.csv"), "old skips");
            Files.writeString(out.resolve("README.txt"), "user's");
            userFiles(parent);
            OutputSwap killed = OutputSwap.entries(files, uri(out), owned);
            files.writeAtomically(killed.dir() + "/predict.json", "new");
            files.writeAtomically(killed.dir() + "/predictions/part-0", "new rows");
            killed.killAfterRenames(renames);
            if (renames < 4) {
                assertThrows(OutputSwap.SimulatedKill.class, killed::commit);
            } else {
                killed.commit();
            }
            killed.close();
            try (OutputSwap next = OutputSwap.entries(files, uri(out), owned)) {
                assertEquals("new", Files.readString(out.resolve("predict.json")), "after " + renames + " renames");
                assertEquals("new rows", Files.readString(out.resolve("predictions/part-0")));
                assertEquals(List.of("README.txt", "predict.json", "predictions"), names(out),
                        "the old skipped.csv is gone, the user's file kept, no marker");
                assertEquals(4, names(parent).size(), "only the user's files, the output and the new staging: "
                        + names(parent));
            }
            assertEquals(List.of(".out.staging-mine", "notes.txt", "out"), names(parent));
            assertUserFilesIntact(parent);
        }
    }

    @Test
    void aWholeDirectoryIsOursOnlyIfItIsAFinishedRun(@TempDir Path dir) throws IOException {
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.writeString(out.resolve("holiday.jpg"), "user's");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OutputSwap.directory(files, uri(out), true, "preprocess", finished));
        assertTrue(e.getMessage().contains("is not a finished preprocess output"), e.getMessage());
        assertEquals(List.of("out"), names(dir), "no staging directory was created");
        // An empty directory is used, and replaced by the new result.
        Path empty = Files.createDirectories(dir.resolve("empty"));
        try (OutputSwap s = OutputSwap.directory(files, uri(empty), false, "preprocess", finished)) {
            files.writeAtomically(s.dir() + "/metadata.json", "new");
            s.commit();
        }
        assertEquals(List.of("metadata.json"), names(empty));
        assertEquals(List.of("empty", "out"), names(dir));
    }
}
