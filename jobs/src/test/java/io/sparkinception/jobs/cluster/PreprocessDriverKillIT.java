package io.sparkinception.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.common.OutputSwap;
import io.sparkinception.testing.SharedData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code preprocess} submitted through {@code bin/spark-submit} to a real standalone cluster (a Master and one Worker
 * with 2 cores, whose executors are JVMs of their own) whose DRIVER is killed (SIGKILL of the spark-submit JVM and its
 * children) while the shards are being written (the test watches the staging directory {@code .data.staging-UUID}
 * until Spark's {@code _temporary} or a {@code part-} file appears in it); the test then waits until the Master has
 * ended the orphaned executors, so that nothing writes any more:
 * <ol>
 *   <li>into an absent output: afterwards there is no output (nothing presented as complete), only the marked
 *       staging directory, without a metadata.json; a rerun deletes it, succeeds, and writes what an uninterrupted
 *       run on the same cluster writes (metadata.json except created_at, the Parquet rows in id order);</li>
 *   <li>with {@code --overwrite} over that complete output: afterwards the output is the previous one, file for
 *       file and byte for byte.</li>
 * </ol>
 * A user's file in the parent directory of the output is untouched throughout.
 */
class PreprocessDriverKillIT {
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(10);
    /** How long the Master may take to end the executors of a killed driver. */
    private static final Duration EXECUTORS_GONE = Duration.ofSeconds(120);

    @Test
    @Timeout(value = 40, unit = java.util.concurrent.TimeUnit.MINUTES)
    void aDriverKilledMidWriteLeavesNothingOrThePreviousOutputAndARerunMatchesAnUninterruptedRun() throws Exception {
        Path work = SparkSubmitProcess.freshDir(SharedData.repoRoot().resolve("jobs/target/it/preprocess-driver-kill"));
        Path parent = Files.createDirectories(work.resolve("outputs"));
        Path notes = Files.writeString(parent.resolve("notes.txt"), "the user's notes");
        Path out = parent.resolve("data");
        Path reference = work.resolve("reference");

        try (StandaloneCluster cluster = StandaloneCluster.start(1, 2, "3g")) {
            String master = cluster.masterUrl();
            SparkSubmitProcess.Result ref = SparkSubmitProcess.builder(work, "uninterrupted")
                    .args(submit(master, reference)).run(JOB_TIMEOUT);
            assertEquals(0, ref.exitCode(), () -> "the uninterrupted run failed: " + ref.describe());
            assertTrue(listing(cluster.stateDir().resolve("work/worker-1")).stream().anyMatch(n -> n.startsWith("app-")),
                    "no executor JVM of the Worker ran the uninterrupted run");
            DriverKill.awaitNoExecutors(cluster, EXECUTORS_GONE);

            // 1. Into an absent output.
            Path staging = killWhileWriting(cluster, work, "killed-fresh", out);
            assertFalse(Files.exists(out), "a killed first run left an output: " + listing(parent));
            assertTrue(Files.isRegularFile(staging.resolve(OutputSwap.MARKER)), "the leftover staging has our marker");
            assertFalse(Files.exists(staging.resolve("metadata.json")), "the killed run's staging looks finished");
            assertEquals("the user's notes", Files.readString(notes));

            SparkSubmitProcess.Result rerun = SparkSubmitProcess.builder(work, "rerun")
                    .args(submit(master, out)).run(JOB_TIMEOUT);
            assertEquals(0, rerun.exitCode(), () -> "the rerun failed: " + rerun.describe());
            assertEquals(List.of("data", "notes.txt"), listing(parent), "the rerun deleted the marked leftover");
            DriverKill.awaitNoExecutors(cluster, EXECUTORS_GONE);

            // 2. --overwrite over the complete output.
            Map<String, String> before = contents(out);
            killWhileWriting(cluster, work, "killed-overwrite", out);
            assertEquals(before, contents(out), "the previous output changed under a killed --overwrite run");
            assertEquals("the user's notes", Files.readString(notes));
        }
        List<String> splits = PreprocessClusterIT.assertSameMetadata(reference, out);
        PreprocessClusterIT.assertSameRows(reference, out, splits);
        System.out.printf("PreprocessDriverKillIT: after the kills, the output equals the uninterrupted run (%s)%n", splits);
    }

    /** Starts the run, SIGKILLs its driver once shards are being written into staging, returns that staging dir. */
    private static Path killWhileWriting(StandaloneCluster cluster, Path work, String name, Path out) throws Exception {
        Path parent = out.getParent();
        SparkSubmitProcess job = SparkSubmitProcess.builder(work, name).args(submit(cluster.masterUrl(), out)).start();
        Path staging;
        try {
            staging = awaitShardsBeingWritten(job, parent, "." + out.getFileName() + ".staging-");
            DriverKill.killTree(job);
        } finally {
            if (job.isAlive()) {
                job.kill();
            }
        }
        // The orphaned executors may still be writing until the Master ends them.
        DriverKill.awaitNoExecutors(cluster, EXECUTORS_GONE);
        System.out.printf("PreprocessDriverKillIT: %s: killed the driver (pid %d) while %s was being written%n",
                name, job.pid(), staging);
        return staging;
    }

    private static Path awaitShardsBeingWritten(SparkSubmitProcess job, Path parent, String prefix) throws Exception {
        Instant deadline = Instant.now().plus(JOB_TIMEOUT);
        while (Instant.now().isBefore(deadline) && job.isAlive()) {
            for (String n : listing(parent)) {
                Path s = parent.resolve(n);
                if (n.startsWith(prefix) && writing(s)) {
                    return s;
                }
            }
            job.waitFor(Duration.ofMillis(50));
        }
        throw new AssertionError("no shard was seen being written under " + parent + "/" + prefix + "* (driver alive: "
                + job.isAlive() + ")");
    }

    /** Spark's {@code _temporary} directory or a {@code part-} file exists somewhere under the staging directory. */
    private static boolean writing(Path staging) {
        try (Stream<Path> s = Files.walk(staging)) {
            return s.map(p -> p.getFileName().toString()).anyMatch(n -> n.equals("_temporary") || n.startsWith("part-"));
        } catch (IOException | UncheckedIOException e) {
            return false; // a file vanished while walking (Spark renames as it commits): look again
        }
    }

    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    /** Every file under {@code dir} and its SHA-256. */
    private static Map<String, String> contents(Path dir) throws Exception {
        Map<String, String> m = new TreeMap<>();
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(Files::isRegularFile).forEach(paths::add);
        }
        for (Path p : paths) {
            m.put(dir.relativize(p).toString(),
                    HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
        }
        assertTrue(m.containsKey("metadata.json"), "no metadata.json in " + dir);
        return m;
    }

    private static List<String> submit(String master, Path output) {
        return List.of("--master", master,
                "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
                "--executor-memory", "2g",
                SparkSubmitProcess.appJar().toString(), "preprocess",
                "--format", "gtsrb",
                "--input", SharedData.data("gtsrb/Train.csv").toString(),
                "--class-names", SharedData.data("gtsrb/signnames.csv").toString(),
                "--output", output.toString(),
                "--image-size", "32",
                "--partitions", "8",
                "--overwrite");
    }
}
