package io.sparkinception.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        try (Stream<Path> listed = Files.list(dir)) {
            // Only the file and Hadoop's checksum of it: no ._tmp_ left behind.
            assertEquals(List.of(".summary.json.crc", "summary.json"),
                    listed.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }
}
