package io.sparkinception.jobs.cluster;

import io.sparkinception.common.Json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkinception.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code train} on a real standalone cluster (a Master, two Workers with one core each) whose DRIVER is killed
 * (SIGKILL of the spark-submit JVM and its children) during round 6, after the checkpoint of round 4 was written;
 * the same command with {@code --resume} then finishes, and ends with the parameters ({@code params_sha256} of
 * summary.json), rounds and per-round losses of an uninterrupted run of the same command. The kill is placed by the
 * driver's stdout line {@code train: round 5/8}, which it prints after the checkpoint of round 4 is on disk (the
 * test checks the pointer before killing).
 */
class TrainDriverKillIT {
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(12);
    private static final int ROUNDS = 8;

    @Test
    @Timeout(value = 45, unit = java.util.concurrent.TimeUnit.MINUTES)
    void aResumeAfterTheDriverWasKilledReachesTheUninterruptedParameters() throws Exception {
        Path work = SparkSubmitProcess.freshDir(SharedData.repoRoot().resolve("jobs/target/it/train-driver-kill"));
        Path data = work.resolve("data");
        Path cleanOut = work.resolve("out-uninterrupted");
        Path killedOut = work.resolve("out-killed");

        SparkSubmitProcess.Result pre = SparkSubmitProcess.builder(work, "preprocess").args(preprocess(data)).run(JOB_TIMEOUT);
        assertEquals(0, pre.exitCode(), () -> "preprocess failed: " + pre.describe());

        SparkSubmitProcess.Result resumed;
        try (StandaloneCluster cluster = StandaloneCluster.start(2, 1, "3g")) {
            SparkSubmitProcess.Result clean = SparkSubmitProcess.builder(work, "uninterrupted")
                    .args(train(cluster.masterUrl(), data, cleanOut, false)).run(JOB_TIMEOUT);
            assertEquals(0, clean.exitCode(), () -> "the uninterrupted run failed: " + clean.describe());
            DriverKill.awaitNoExecutors(cluster, Duration.ofSeconds(60));

            SparkSubmitProcess killed = SparkSubmitProcess.builder(work, "killed")
                    .args(train(cluster.masterUrl(), data, killedOut, false)).start();
            try {
                killed.awaitStdoutLine(Pattern.compile("^train: round 5/" + ROUNDS + " "), JOB_TIMEOUT);
                assertEquals("round-00000004", Files.readString(killedOut.resolve("checkpoints/latest")).trim(),
                        "the checkpoint of round 4 is on disk before the kill");
                DriverKill.killTree(killed);
            } finally {
                if (killed.isAlive()) {
                    killed.kill();
                }
            }
            assertFalse(Files.exists(killedOut.resolve("summary.json")), "the killed run finished before the kill");
            System.out.printf("TrainDriverKillIT: killed the driver (pid %d) during round 6; checkpoints %s%n",
                    killed.pid(), listing(killedOut.resolve("checkpoints")));
            DriverKill.awaitNoExecutors(cluster, Duration.ofSeconds(120));

            resumed = SparkSubmitProcess.builder(work, "resumed")
                    .args(train(cluster.masterUrl(), data, killedOut, true)).run(JOB_TIMEOUT);
            SparkSubmitProcess.Result r = resumed;
            assertEquals(0, resumed.exitCode(), () -> "the resumed run failed: " + r.describe());
            assertTrue(resumed.stdout().contains("train: resumed from round 4 of " + ROUNDS), resumed.stdout());
        }

        JsonNode a = Json.mapper().readTree(cleanOut.resolve("summary.json").toFile());
        JsonNode b = Json.mapper().readTree(killedOut.resolve("summary.json").toFile());
        assertEquals(ROUNDS, a.get("rounds").asLong(), "the uninterrupted run did not run " + ROUNDS + " rounds: " + a);
        assertEquals(a.get("rounds"), b.get("rounds"), "rounds differ");
        assertEquals(a.get("examples_seen"), b.get("examples_seen"), "examples_seen differs");
        String sha = a.get("params_sha256").asText();
        assertTrue(sha.matches("[0-9a-f]{64}"), "params_sha256: " + sha);
        assertEquals(sha, b.get("params_sha256").asText(), "the resumed run ended with other parameters; per-round losses:\n"
                + " uninterrupted " + roundLosses(cleanOut) + "\n resumed       " + roundLosses(killedOut));
        assertEquals(ROUNDS, roundLosses(cleanOut).size());
        assertEquals(roundLosses(cleanOut), roundLosses(killedOut), "per-round losses differ");
        System.out.printf("TrainDriverKillIT: both runs params_sha256 %s; resumed run %d s%n", sha,
                resumed.elapsed().toSeconds());
    }

    private static String listing(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList().toString();
        }
    }

    /** GTSRB Train.csv at 32 px, float16, in local[2] (the data both runs train on). */
    private static List<String> preprocess(Path output) {
        return List.of("--master", "local[2]",
                "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
                SparkSubmitProcess.appJar().toString(), "preprocess",
                "--format", "gtsrb",
                "--input", SharedData.data("gtsrb/Train.csv").toString(),
                "--class-names", SharedData.data("gtsrb/signnames.csv").toString(),
                "--output", output.toString(),
                "--image-size", "32", "--storage", "float16", "--scale-by-std", "true");
    }

    /** The same command for every run; the resumed run adds {@code --resume}. */
    private static List<String> train(String master, Path data, Path output, boolean resume) {
        List<String> args = new ArrayList<>(List.of("--master", master,
                "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
                "--executor-memory", "2g", "--executor-cores", "1",
                "--conf", "spark.executorEnv.OMP_NUM_THREADS=1",
                SparkSubmitProcess.appJar().toString(), "train",
                "--data", data.toString(),
                "--output", output.toString(),
                "--family", "googlenet", "--width", "0.25", "--min-filters", "8",
                "--workers", "2", "--batch-size-per-worker", "16", "--averaging-frequency", "2",
                "--epochs", "1", "--max-rounds", String.valueOf(ROUNDS), "--checkpoint-every", "4",
                "--validate-every-epochs", "0", "--seed", "5"));
        if (resume) {
            args.add("--resume");
        }
        return args;
    }

    /** The mean loss of every round from metrics.jsonl, as written (the decimal form of a double is exact). */
    private static List<String> roundLosses(Path output) throws IOException {
        List<String> losses = new ArrayList<>();
        for (String line : Files.readAllLines(output.resolve("metrics.jsonl"))) {
            JsonNode m = Json.mapper().readTree(line);
            if (m.path("type").asText().equals("round")) {
                losses.add(m.path("round").asText() + ":" + m.path("loss").asText());
            }
        }
        return losses;
    }
}
