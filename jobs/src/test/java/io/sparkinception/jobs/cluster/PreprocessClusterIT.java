package io.sparkinception.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.sparkinception.common.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkinception.preprocessing.MetadataIO;
import io.sparkinception.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code preprocess} submitted through {@code bin/spark-submit} to a real standalone cluster (a Master and a
 * Worker from the build's jars, executors in JVMs of their own) writes exactly what {@code --master local[2]}
 * writes from the same input: metadata.json equal except {@code created_at} (the mean bit for bit: it is merged
 * in partition order and both runs use {@code --partitions 8}), and the Parquet shards equal row by row.
 */
class PreprocessClusterIT {
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(10);

    @Test
    @Timeout(value = 25, unit = java.util.concurrent.TimeUnit.MINUTES)
    void standaloneClusterWritesTheSameDatasetAsLocalMode() throws Exception {
        Path work = SparkSubmitProcess.freshDir(SharedData.repoRoot().resolve("jobs/target/it/preprocess-cluster"));
        Path clusterOut = work.resolve("out-cluster");
        Path localOut = work.resolve("out-local");

        try (StandaloneCluster cluster = StandaloneCluster.start(1, 2, "3g")) {
            SparkSubmitProcess job = SparkSubmitProcess.builder(work, "cluster")
                    .args(submit(cluster.masterUrl(), clusterOut)).start();
            // Watch the executors while the job runs (bounded by the job's own timeout).
            Instant deadline = Instant.now().plus(JOB_TIMEOUT);
            while (!job.waitFor(Duration.ofMillis(200)) && Instant.now().isBefore(deadline)) {
                cluster.executorPids();
            }
            SparkSubmitProcess.Result result = job.await(JOB_TIMEOUT);
            assertEquals(0, result.exitCode(), () -> "cluster run failed: " + result.describe()
                    + "\nlogs in " + cluster.stateDir());

            List<Long> executors = cluster.executorsSeen();
            assertFalse(executors.isEmpty(), "no executor JVM was seen under the Worker while the job ran");
            assertFalse(executors.contains(job.pid()), "the driver ran as an executor?");
            List<Path> executorDirs = cluster.executorDirs();
            assertFalse(executorDirs.isEmpty(), "the Worker's work dir has no app-*/<executor> directory");
            String launch = Files.readString(executorDirs.get(0).resolve("stderr"));
            assertTrue(launch.contains("Spark Executor Command") && launch.contains(StandaloneCluster.EXECUTOR_CLASS),
                    "executor stderr does not start with the Worker's launch command:\n" + launch);
            cluster.awaitNoExecutors(Duration.ofSeconds(60));
        }

        SparkSubmitProcess.Result local = SparkSubmitProcess.builder(work, "local")
                .args(submit("local[2]", localOut)).run(JOB_TIMEOUT);
        assertEquals(0, local.exitCode(), () -> "local[2] run failed: " + local.describe());

        List<String> splits = assertSameMetadata(localOut, clusterOut);
        assertSameRows(localOut, clusterOut, splits);
    }

    /** The spark-submit arguments of both runs; only the master and the output differ. */
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

    /** metadata.json of both runs is equal except created_at; returns the splits written. */
    static List<String> assertSameMetadata(Path expectedDir, Path actualDir) throws IOException {
        ObjectNode expected = readMetadata(expectedDir);
        ObjectNode actual = readMetadata(actualDir);
        assertEquals(expected.get("counts"), actual.get("counts"), "counts differ");
        assertEquals(expected.get("classes"), actual.get("classes"), "classes differ");
        assertEquals(expected.get("skipped"), actual.get("skipped"), "skipped records differ");
        for (String stat : List.of("mean", "std")) {
            JsonNode e = expected.get("spec").get(stat);
            JsonNode a = actual.get("spec").get(stat);
            assertEquals(3, e.size(), "spec." + stat + " has 3 channels");
            for (int c = 0; c < e.size(); c++) {
                assertEquals(Double.doubleToLongBits(e.get(c).doubleValue()), Double.doubleToLongBits(a.get(c).doubleValue()),
                        "spec." + stat + "[" + c + "] differs: " + e.get(c) + " vs " + a.get(c));
            }
        }
        assertEquals(expected, actual, "metadata.json differs (besides created_at)");
        List<String> splits = new ArrayList<>();
        expected.get("shards").fieldNames().forEachRemaining(splits::add);
        assertFalse(splits.isEmpty(), "no split written");
        return splits;
    }

    private static ObjectNode readMetadata(Path dir) throws IOException {
        ObjectNode tree = (ObjectNode) Json.mapper().readTree(dir.resolve(MetadataIO.FILE_NAME).toFile());
        assertTrue(tree.has("created_at"), dir + "/metadata.json has no created_at");
        tree.remove("created_at");
        return tree;
    }

    /**
     * The Parquet rows of every split are equal row by row in id order: every column equal, and the pixels bit for
     * bit. Read with a local SparkSession in this JVM, streamed so that no split is held in memory twice.
     */
    static void assertSameRows(Path expectedDir, Path actualDir, List<String> splits) {
        SparkSession spark = SparkSession.builder().master("local[2]").appName("PreprocessClusterIT")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
        try {
            for (String split : splits) {
                Dataset<Row> expected = spark.read().parquet(expectedDir.resolve(split).toString()).orderBy("id");
                Dataset<Row> actual = spark.read().parquet(actualDir.resolve(split).toString()).orderBy("id");
                assertEquals(expected.schema(), actual.schema(), split + ": schemas differ");
                long count = expected.count();
                assertEquals(count, actual.count(), split + ": row counts differ");
                assertTrue(count > 0, split + " is empty");
                compareRows(split, expected.schema().fields(), expected.toLocalIterator(), actual.toLocalIterator());
            }
        } finally {
            spark.stop();
        }
    }

    private static void compareRows(String split, StructField[] fields, Iterator<Row> expected, Iterator<Row> actual) {
        int pixels = -1;
        for (int i = 0; i < fields.length; i++) {
            if (fields[i].name().equals("pixels")) {
                pixels = i;
            }
        }
        assertTrue(pixels >= 0, "no pixels column");
        long n = 0;
        while (expected.hasNext() && actual.hasNext()) {
            Row e = expected.next();
            Row a = actual.next();
            String where = split + " row " + n + " (id " + e.getAs("id") + ")";
            for (int i = 0; i < fields.length; i++) {
                if (i != pixels) {
                    assertEquals(e.get(i), a.get(i), where + ": column " + fields[i].name() + " differs");
                }
            }
            // The binary pixels column: the stored bytes, compared bit for bit.
            byte[] ep = (byte[]) e.get(pixels);
            byte[] ap = (byte[]) a.get(pixels);
            assertEquals(ep.length, ap.length, where + ": pixel byte counts differ");
            int k = java.util.Arrays.mismatch(ep, ap);
            if (k >= 0) {
                fail(where + ": pixel byte " + k + " differs: " + ep[k] + " vs " + ap[k]);
            }
            n++;
        }
        assertEquals(expected.hasNext(), actual.hasNext(), split + ": row counts differ after " + n + " rows");
    }

}
