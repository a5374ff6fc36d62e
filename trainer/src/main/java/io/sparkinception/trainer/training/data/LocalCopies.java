package io.sparkinception.trainer.training.data;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkEnv;

/**
 * This JVM's compact partition copies, one file per (dataset id, partition) in Spark's local directories (the
 * block manager's, which follow {@code spark.local.dir}, {@code SPARK_LOCAL_DIRS} on standalone and the container's
 * local dirs on YARN, and are deleted with the executor or the application). A copy is written from the
 * partition's iterator the first time a task of that partition runs in this JVM and reused by every later
 * round and epoch without reading the iterator; a copy whose file is gone (a lost local dir, a new executor) is
 * written again from the iterator, which Spark recomputes from the same lineage: the same examples, the same bits.
 */
public final class LocalCopies {
    private static final Map<String, CompactPartition> OPEN = new ConcurrentHashMap<>();
    private static final Map<String, Object> LOCKS = new ConcurrentHashMap<>();

    private LocalCopies() {
    }

    /**
     * The copy of a partition, written from {@code source} if this JVM has none (the iterator is not read
     * otherwise).
     *
     * @param capBytes bytes of the copies this JVM may keep mapped at once ({@link MappedWindows})
     */
    public static CompactPartition open(String datasetId, int partition, PixelLayout layout, long capBytes,
                                        Iterator<StoredExample> source) {
        MappedWindows.shared().setCap(capBytes);
        String key = key(datasetId, partition);
        synchronized (LOCKS.computeIfAbsent(key, k -> new Object())) {
            Path file = fileOf(datasetId, partition);
            CompactPartition open = OPEN.get(key);
            if (open != null && Files.exists(open.file())) {
                return open;
            }
            if (open != null) {
                OPEN.remove(key);
                open.close();
            }
            if (!Files.exists(file)) {
                CompactPartition.write(file, layout, source);
            }
            CompactPartition copy = CompactPartition.open(file, layout, MappedWindows.shared());
            OPEN.put(key, copy);
            return copy;
        }
    }

    /** Where this JVM keeps the copy of a partition. */
    public static Path fileOf(String datasetId, int partition) {
        String name = "sparkinception-data-" + datasetId + "-" + partition + ".bin";
        SparkEnv env = SparkEnv.get();
        File f = env != null ? env.blockManager().diskBlockManager().getFile(name)
                : new File(System.getProperty("java.io.tmpdir"), name);
        return f.toPath();
    }

    /** Closes and deletes this JVM's copies of a dataset (end of a training run). */
    public static void evict(String datasetId) {
        String prefix = datasetId + "#";
        for (String key : OPEN.keySet()) {
            if (key.startsWith(prefix)) {
                synchronized (LOCKS.computeIfAbsent(key, k -> new Object())) {
                    CompactPartition c = OPEN.remove(key);
                    if (c != null) {
                        c.close();
                        try {
                            Files.deleteIfExists(c.file());
                        } catch (IOException e) {
                            throw new UncheckedIOException("cannot delete " + c.file() + ": " + e.getMessage(), e);
                        }
                    }
                }
            }
        }
        LOCKS.keySet().removeIf(k -> k.startsWith(prefix));
    }

    private static String key(String datasetId, int partition) {
        return datasetId + "#" + partition;
    }
}
