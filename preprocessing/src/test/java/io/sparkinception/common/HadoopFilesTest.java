package io.sparkinception.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HadoopFilesTest {
    @Test
    void writeAtomicallyReplacesInOneRenameAndLeavesNoTemporaryFile(@TempDir Path dir) throws Exception {
        HadoopFiles files = HadoopFiles.local();
        String target = dir.resolve("summary.json").toString();
        files.writeAtomically(target, "{\"round\":1}");
        files.writeAtomically(target, "{\"round\":2}");
        assertEquals("{\"round\":2}", files.readText(target));
        // Only the file: no ._tmp_ left behind, and no .crc (written without one, see the test below).
        assertEquals(List.of("summary.json"), names(dir));
    }

    /**
     * The file system's own record of what happened to the directory (inotify on Linux, through the JDK's
     * WatchService): replacing a file is one rename of the temporary file onto it, never a deletion of the target
     * (Hadoop's FileContext rename with OVERWRITE, which the method used before, deletes the target first on the local
     * file system, leaving a moment without the file).
     */
    @Test
    void replacingAFileNeverDeletesItFirst(@TempDir Path dir) throws Exception {
        HadoopFiles files = HadoopFiles.local();
        String target = dir.resolve("latest").toString();
        files.writeAtomically(target, "round-00000002");
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE);
            files.writeAtomically(target, "round-00000004");
            List<String> events = eventsUntil(watch, "ENTRY_CREATE latest");
            assertTrue(events.stream().noneMatch(e -> e.equals("ENTRY_DELETE latest")),
                    "the target was deleted before the new file arrived: " + events);
        }
        assertEquals("round-00000004", files.readText(target));
    }

    /** A file written earlier with Hadoop's checksum: its .crc goes before the rename, so reads never fail on it. */
    @Test
    void aFileWithAnOldChecksumIsReplacedAndReadsBackWithoutAChecksumError(@TempDir Path dir) throws Exception {
        HadoopFiles files = HadoopFiles.local();
        String target = dir.resolve("metadata.json").toString();
        try (OutputStream out = files.fileSystem(target).create(new org.apache.hadoop.fs.Path(target), true)) {
            out.write("old bytes, checksummed".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(List.of(".metadata.json.crc", "metadata.json"), names(dir));
        files.writeAtomically(target, "new");
        assertEquals("new", files.readText(target));
        assertEquals(List.of("metadata.json"), names(dir));
    }

    /** The pointer switch of checkpoints: a file written through Hadoop (with its .crc) renamed over another. */
    @Test
    void replaceMovesAChecksummedTemporaryFileOverTheTarget(@TempDir Path dir) throws Exception {
        HadoopFiles files = HadoopFiles.local();
        String tmp = dir.resolve("._tmp_latest").toString();
        String target = dir.resolve("latest").toString();
        files.writeAtomically(target, "round-1");
        try (OutputStream out = files.fileSystem(tmp).create(new org.apache.hadoop.fs.Path(tmp), true)) {
            out.write("round-2".getBytes(StandardCharsets.UTF_8));
        }
        files.replace(tmp, target);
        assertEquals("round-2", files.readText(target));
        assertEquals(List.of("latest"), names(dir));
    }

    private static List<String> eventsUntil(WatchService watch, String last) throws InterruptedException {
        List<String> events = new ArrayList<>();
        while (!events.contains(last)) {
            WatchKey key = watch.poll(30, TimeUnit.SECONDS);
            assertNotNull(key, "no '" + last + "' within 30 s; events: " + events);
            for (WatchEvent<?> e : key.pollEvents()) {
                events.add(e.kind().name() + " " + e.context());
            }
            key.reset();
        }
        return events;
    }

    private static List<String> names(Path dir) throws Exception {
        try (Stream<Path> listed = Files.list(dir)) {
            return listed.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
