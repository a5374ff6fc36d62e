package io.sparkinception.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.common.HadoopFiles;
import io.sparkinception.common.OutputDirectory.Kind;
import io.sparkinception.common.OutputDirectory.State;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Outputs the project did not write are refused; replacements are swapped in only after they succeeded. */
class OutputDirectoryTest {
    private final HadoopFiles files = HadoopFiles.local();

    private static String uri(Path p) {
        return p.toUri().toString().replaceAll("/$", "");
    }

    @Test
    void aUserDirectoryIsRefusedForEveryCommandAndLeftUntouched(@TempDir Path dir) throws IOException {
        Path user = dir.resolve("holiday-photos");
        Files.createDirectories(user);
        Files.writeString(user.resolve("notes.txt"), "mine");
        for (Kind k : Kind.values()) {
            assertEquals(State.FOREIGN, OutputDirectory.state(files, uri(user), k));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> OutputDirectory.requireReplaceable(files, uri(user), k, true));
            assertTrue(e.getMessage().contains("exists and is not a") && e.getMessage().contains("nothing was written"),
                    e.getMessage());
        }
        assertEquals("mine", Files.readString(user.resolve("notes.txt")));
        try (Stream<Path> s = Files.list(user)) {
            assertEquals(1, s.count());
        }
        // A file where a directory should be is refused too.
        assertEquals(State.FOREIGN, OutputDirectory.state(files, uri(user.resolve("notes.txt")), Kind.PREDICT));
    }

    @Test
    void ownRunsAreRecognisedByTheirMarkers(@TempDir Path dir) throws IOException {
        assertEquals(State.EMPTY, OutputDirectory.state(files, uri(dir.resolve("absent")), Kind.TRAIN));
        Files.createDirectories(dir.resolve("empty"));
        assertEquals(State.EMPTY, OutputDirectory.state(files, uri(dir.resolve("empty")), Kind.TRAIN));
        Path train = Files.createDirectories(dir.resolve("train").resolve("checkpoints"));
        assertEquals(State.UNFINISHED, OutputDirectory.state(files, uri(train.getParent()), Kind.TRAIN));
        Files.writeString(train.getParent().resolve("summary.json"), "{}");
        assertEquals(State.FINISHED, OutputDirectory.state(files, uri(train.getParent()), Kind.TRAIN));
        // A train output is not an evaluate report.
        assertEquals(State.FOREIGN, OutputDirectory.state(files, uri(train.getParent()), Kind.EVALUATE));
        Path ens = Files.createDirectories(dir.resolve("ens"));
        Files.writeString(ens.resolve("ensemble.conf"), "x");
        assertEquals(State.UNFINISHED, OutputDirectory.state(files, uri(ens), Kind.ENSEMBLE));
    }

    @Test
    void aFinishedRunNeedsOverwrite(@TempDir Path dir) throws IOException {
        Path out = Files.createDirectories(dir.resolve("predict"));
        Files.writeString(out.resolve("predict.json"), "{}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OutputDirectory.requireReplaceable(files, uri(out), Kind.PREDICT, false));
        assertTrue(e.getMessage().contains("--overwrite"), e.getMessage());
        assertEquals(State.FINISHED, OutputDirectory.requireReplaceable(files, uri(out), Kind.PREDICT, true));
    }

    @Test
    void aFailingRerunLeavesTheOldResultAndNoStaging(@TempDir Path dir) throws IOException {
        Path out = Files.createDirectories(dir.resolve("predict"));
        Files.writeString(out.resolve("predict.json"), "old");
        Files.writeString(out.resolve("README.txt"), "user's");
        assertThrows(IllegalStateException.class, () -> {
            try (OutputSwap s = OutputSwap.entries(files, uri(out), List.of("predict.json", "skipped.csv"))) {
                files.writeAtomically(s.dir() + "/predict.json", "new");
                throw new IllegalStateException("scoring failed");
            }
        });
        assertEquals("old", Files.readString(out.resolve("predict.json")));
        assertEquals("user's", Files.readString(out.resolve("README.txt")));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("predict"), s.map(p -> p.getFileName().toString()).toList(), "no staging left");
        }
    }

    @Test
    void aSuccessfulRerunReplacesOnlyTheOwnedEntries(@TempDir Path dir) throws IOException {
        Path out = Files.createDirectories(dir.resolve("predict"));
        Files.writeString(out.resolve("predict.json"), "old");
        Files.writeString(out.resolve("skipped.csv"), "old skips");
        Files.writeString(out.resolve("README.txt"), "user's");
        try (OutputSwap s = OutputSwap.entries(files, uri(out), List.of("predict.json", "skipped.csv"))) {
            files.writeAtomically(s.dir() + "/predict.json", "new");
            s.commit();
        }
        assertEquals("new", Files.readString(out.resolve("predict.json")));
        assertFalse(Files.exists(out.resolve("skipped.csv")), "an owned entry the new run did not write is gone");
        assertEquals("user's", Files.readString(out.resolve("README.txt")));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("predict"), s.map(p -> p.getFileName().toString()).toList(), "nothing left beside it");
        }
        // Into a new directory: the staging directory becomes it.
        Path fresh = dir.resolve("fresh");
        try (OutputSwap s = OutputSwap.entries(files, uri(fresh), List.of())) {
            files.writeAtomically(s.dir() + "/report.json", "{}");
            s.commit();
        }
        assertEquals("{}", Files.readString(fresh.resolve("report.json")));
    }
}
