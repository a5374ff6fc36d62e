package io.sparkinception.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.common.Json;
import com.fasterxml.jackson.databind.JsonNode;
import io.sparkinception.preprocessing.MetadataIO;
import io.sparkinception.testing.SharedData;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code train} submitted through {@code bin/spark-submit} to a real standalone cluster (a Master and two Workers
 * with one core each; the executors are JVMs of their own) completes; and a second run with the same flags, in which
 * one executor JVM is killed with SIGKILL while it trains a partition of round 4 (after round 3), still completes and ends with the
 * same parameters, bit for bit ({@code params_sha256} of summary.json), as the fault-free run. Spark launches a
 * replacement executor and retries the lost task; the lost executor's cached partition is recomputed from lineage.
 * Rounds are pure functions of (broadcast state, partition data, seed, round), so nothing may change.
 *
 * <p>The kill is placed by test hooks, not sleeps: the driver's stdout line {@code train: round 3/...}, then the
 * driver's REST API (UI on a free port) showing the job of a later round (normally round 4) running and the victim
 * executor with an active task. The driver's log must then show the lost executor and the lost (retried) task, the
 * Worker's log the SIGKILL (exit code 137), and a replacement executor JVM must have run.
 */
class TrainClusterIT {
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(12);
    private static final Duration POLL = Duration.ofMillis(200);
    /** The round whose completion the faulty run waits for; the victim is killed during the next one. */
    private static final int KILL_AFTER_ROUND = 3;
    private static final int ROUNDS = 8;

    @Test
    @Timeout(value = 45, unit = java.util.concurrent.TimeUnit.MINUTES)
    void killingAnExecutorMidTrainingReachesTheFaultFreeParameters() throws Exception {
        Path work = SparkSubmitProcess.freshDir(SharedData.repoRoot().resolve("jobs/target/it/train-cluster"));
        Path data = work.resolve("data");
        Path cleanOut = work.resolve("out-fault-free");
        Path faultyOut = work.resolve("out-faulty");

        SparkSubmitProcess.Result pre = SparkSubmitProcess.builder(work, "preprocess")
                .args(preprocess(data)).run(JOB_TIMEOUT);
        assertEquals(0, pre.exitCode(), () -> "preprocess failed: " + pre.describe());
        assertTrue(Files.isRegularFile(data.resolve(MetadataIO.FILE_NAME)), "preprocess wrote no metadata.json");

        SparkSubmitProcess.Result clean;
        SparkSubmitProcess.Result faulty;
        StandaloneCluster.ExecutorJvm victim;
        Set<String> initialIds;
        try (StandaloneCluster cluster = StandaloneCluster.start(2, 1, "3g")) {
            // ---- the fault-free run -----------------------------------------------------------------------
            Set<StandaloneCluster.ExecutorJvm> cleanExecutors = new LinkedHashSet<>();
            SparkSubmitProcess job = SparkSubmitProcess.builder(work, "fault-free")
                    .args(train(cluster.masterUrl(), data, cleanOut, freePort())).start();
            try {
                watchUntilExit(job, cluster, cleanExecutors::addAll);
                clean = job.await(JOB_TIMEOUT);
            } finally {
                killIfAlive(job);
            }
            assertEquals(0, clean.exitCode(), () -> "fault-free run failed: " + clean.describe() + "\nlogs in "
                    + cluster.stateDir());
            assertTrue(Files.isRegularFile(cleanOut.resolve("summary.json")), "the fault-free run wrote no summary.json");
            assertSeparateExecutorJvms(cluster, job, cleanExecutors);
            cluster.awaitNoExecutors(Duration.ofSeconds(60));

            // ---- the faulty run: kill one executor JVM while it trains a partition of round 4 ----------------
            int uiPort = freePort();
            Set<StandaloneCluster.ExecutorJvm> faultyExecutors = new LinkedHashSet<>();
            job = SparkSubmitProcess.builder(work, "faulty")
                    .args(train(cluster.masterUrl(), data, faultyOut, uiPort)).start();
            try {
                // The driver's REST API initializes on its first request (seconds on a busy machine): do that while
                // the run loads its data, so that it answers at once after round 3.
                RestApi rest = RestApi.await(uiPort, job, Duration.ofMinutes(3));
                String roundLine = job.awaitStdoutLine(
                        Pattern.compile("^train: round " + KILL_AFTER_ROUND + "/" + ROUNDS + " "), JOB_TIMEOUT);
                Victim v = awaitExecutorTrainingAfter(cluster, job, rest, KILL_AFTER_ROUND, Duration.ofMinutes(3));
                victim = v.executor();
                List<StandaloneCluster.ExecutorJvm> beforeKill = cluster.runningExecutors();
                faultyExecutors.addAll(beforeKill);
                initialIds = beforeKill.stream().filter(e -> e.appId().equals(victim.appId()))
                        .map(StandaloneCluster.ExecutorJvm::executorId).collect(Collectors.toSet());
                cluster.killExecutor(victim.pid());
                long victimPid = victim.pid();
                assertFalse(ProcessHandle.of(victimPid).map(ProcessHandle::isAlive).orElse(false),
                        "executor " + victimPid + " still runs after SIGKILL");
                System.out.printf("TrainClusterIT: after '%s' killed executor %s of %s (pid %d) while it ran a task of"
                        + " round %d%n", roundLine, victim.executorId(), victim.appId(), victimPid, v.round());
                watchUntilExit(job, cluster, faultyExecutors::addAll);
                faulty = job.await(JOB_TIMEOUT);
            } finally {
                killIfAlive(job);
            }
            SparkSubmitProcess.Result f = faulty;
            assertEquals(0, faulty.exitCode(), () -> "the run with a killed executor failed: " + f.describe()
                    + "\nlogs in " + cluster.stateDir());
            assertTrue(Files.isRegularFile(faultyOut.resolve("summary.json")), "the faulty run wrote no summary.json");
            assertExecutorWasLostAndReplaced(cluster, faulty, victim, initialIds, faultyExecutors);
            cluster.awaitNoExecutors(Duration.ofSeconds(60));
        }

        // ---- the same parameters, bit for bit ---------------------------------------------------------------
        JsonNode a = Json.mapper().readTree(cleanOut.resolve("summary.json").toFile());
        JsonNode b = Json.mapper().readTree(faultyOut.resolve("summary.json").toFile());
        assertEquals(ROUNDS, a.get("rounds").asLong(), "the fault-free run did not run " + ROUNDS + " rounds: " + a);
        assertEquals(a.get("rounds"), b.get("rounds"), "rounds differ");
        assertEquals(a.get("examples_seen"), b.get("examples_seen"), "examples_seen differs");
        assertEquals(a.get("params"), b.get("params"), "parameter counts differ");
        String sha = a.get("params_sha256").asText();
        assertTrue(sha.matches("[0-9a-f]{64}"), "params_sha256 of the fault-free run: " + sha);
        assertEquals(sha, b.get("params_sha256").asText(), "the run with a killed executor ended with other parameters"
                + " than the fault-free run; per-round losses:\n fault-free " + roundLosses(cleanOut)
                + "\n faulty     " + roundLosses(faultyOut));
        // Every round, not only the last, was the same: the mean loss of each round is equal, bit for bit.
        assertEquals(roundLosses(cleanOut), roundLosses(faultyOut), "per-round losses differ");
        System.out.printf("TrainClusterIT: both runs params_sha256 %s; fault-free %d s, faulty %d s%n", sha,
                clean.elapsed().toSeconds(), faulty.elapsed().toSeconds());
    }

    /** The preprocess arguments: GTSRB Train.csv at 32 px, float16, in local[2]. */
    private static List<String> preprocess(Path output) {
        return List.of("--master", "local[2]",
                "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
                SparkSubmitProcess.appJar().toString(), "preprocess",
                "--format", "gtsrb",
                "--input", SharedData.data("gtsrb/Train.csv").toString(),
                "--class-names", SharedData.data("gtsrb/signnames.csv").toString(),
                "--output", output.toString(),
                "--image-size", "32",
                "--storage", "float16",
                "--scale-by-std", "true");
    }

    /**
     * The arguments of both training runs; only the output and the port of the driver's UI (its REST API is the
     * kill hook of the faulty run; it does not touch training) differ.
     */
    private static List<String> train(String master, Path data, Path output, int uiPort) {
        return List.of("--master", master,
                "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
                "--conf", "spark.ui.enabled=true", "--conf", "spark.ui.port=" + uiPort,
                "--executor-memory", "2g", "--executor-cores", "1",
                "--conf", "spark.executorEnv.OMP_NUM_THREADS=1",
                SparkSubmitProcess.appJar().toString(), "train",
                "--data", data.toString(),
                "--output", output.toString(),
                "--family", "googlenet", "--width", "0.25", "--min-filters", "8",
                "--workers", "2", "--batch-size-per-worker", "16", "--averaging-frequency", "2",
                "--epochs", "1", "--max-rounds", String.valueOf(ROUNDS), "--checkpoint-every", "4",
                "--validate-every-epochs", "0", "--seed", "5");
    }

    /** Polls the cluster's executors while the job runs (bounded by the job's timeout). */
    private static void watchUntilExit(SparkSubmitProcess job, StandaloneCluster cluster,
                                       Consumer<List<StandaloneCluster.ExecutorJvm>> seen) {
        Instant deadline = Instant.now().plus(JOB_TIMEOUT);
        while (!job.waitFor(POLL) && Instant.now().isBefore(deadline)) {
            seen.accept(cluster.runningExecutors());
        }
    }

    /** Executors ran in JVMs of their own, one per Worker, launched by the Workers, not in the driver. */
    private static void assertSeparateExecutorJvms(StandaloneCluster cluster, SparkSubmitProcess driver,
                                                   Set<StandaloneCluster.ExecutorJvm> seen) throws IOException {
        List<Long> pids = seen.stream().map(StandaloneCluster.ExecutorJvm::pid).distinct().toList();
        assertTrue(pids.size() >= 2, "expected 2 executor JVMs (2 Workers x 1 core) during the fault-free run, saw "
                + seen + "; logs in " + cluster.stateDir());
        assertFalse(pids.contains(driver.pid()), "the driver ran as an executor?");
        assertEquals(1, seen.stream().map(StandaloneCluster.ExecutorJvm::appId).distinct().count(),
                "executors of more than one application: " + seen);
        String appId = seen.iterator().next().appId();
        List<Path> dirs = cluster.executorDirs().stream()
                .filter(d -> d.getParent().getFileName().toString().equals(appId)).toList();
        assertTrue(dirs.size() >= 2, "the Workers' work dirs hold " + dirs + " for " + appId);
        assertTrue(dirs.stream().map(d -> d.getParent().getParent()).distinct().count() >= 2,
                "both executors ran under the same Worker: " + dirs);
        for (Path dir : dirs) {
            String launch = Files.readString(dir.resolve("stderr"));
            assertTrue(launch.contains("Spark Executor Command") && launch.contains(StandaloneCluster.EXECUTOR_CLASS),
                    dir + "/stderr does not start with the Worker's launch command:\n" + launch);
        }
    }

    /**
     * The victim really died and mattered: the driver lost it and the task it was running, its Worker reported the
     * SIGKILL (exit code 137), and the Master launched a replacement executor JVM for the application, which ran.
     */
    private static void assertExecutorWasLostAndReplaced(StandaloneCluster cluster, SparkSubmitProcess.Result faulty,
                                                         StandaloneCluster.ExecutorJvm victim, Set<String> initialIds,
                                                         Set<StandaloneCluster.ExecutorJvm> seen) throws IOException {
        String id = victim.executorId();
        String app = victim.appId();
        String where = "; logs in " + cluster.stateDir() + " and the driver's stderr";
        List<String> driverLog = faulty.stderr().lines().toList();
        assertTrue(driverLog.stream().anyMatch(l -> l.contains("Lost executor " + id + " ")),
                "the driver did not log 'Lost executor " + id + "'" + where + ":\n" + faulty.stderr());
        assertTrue(driverLog.stream().anyMatch(l -> l.contains("Lost task ")
                        && l.contains("ExecutorLostFailure (executor " + id + " ")),
                "the driver lost no task with executor " + id + " (was it killed mid-task?)" + where + ":\n"
                        + faulty.stderr());

        String exited = "Executor " + app + "/" + id + " finished with state EXITED message Command exited with code 137";
        boolean workerSaw = false;
        try (Stream<Path> logs = Files.list(cluster.stateDir())) {
            for (Path log : logs.filter(p -> p.getFileName().toString().matches("worker-\\d+\\.log")).toList()) {
                workerSaw |= Files.readString(log).contains(exited);
            }
        }
        assertTrue(workerSaw, "no Worker log says '" + exited + "'" + where);

        List<StandaloneCluster.ExecutorJvm> ofApp = seen.stream().filter(e -> e.appId().equals(app)).toList();
        assertTrue(initialIds.contains(id), "the victim was not among the executors running at the kill: " + initialIds);
        List<StandaloneCluster.ExecutorJvm> replacements = ofApp.stream()
                .filter(e -> !initialIds.contains(e.executorId())).toList();
        assertFalse(replacements.isEmpty(), "no replacement executor JVM of " + app + " ran after the kill; executors seen: "
                + ofApp + ", running at the kill: " + initialIds + where);
        assertTrue(replacements.stream().noneMatch(r -> r.pid() == victim.pid()), "the victim's pid again: " + replacements);
        String master = Files.readString(cluster.stateDir().resolve("master.log"));
        for (StandaloneCluster.ExecutorJvm r : replacements) {
            assertTrue(master.contains("Launching executor " + app + "/" + r.executorId() + " "),
                    "the Master log does not show the launch of the replacement " + r + where);
        }
        System.out.printf("TrainClusterIT: executors of %s: %s; replacement(s) %s%n", app, ofApp, replacements);
    }

    /** The executor to kill and the round whose task it was running. */
    private record Victim(StandaloneCluster.ExecutorJvm executor, int round) {
    }

    /**
     * Polls the driver's REST API until the job of a round after {@code afterRound} runs and one of this cluster's
     * executor JVMs has an active task, and returns that executor. Job descriptions name the round
     * ("train round 4/8 (epoch 1)"). An executor's active-task count drops to 0 (forced update) when its task of
     * the previous round ends, so a count above 0 while a later round's job runs is a task of that round.
     */
    private static Victim awaitExecutorTrainingAfter(StandaloneCluster cluster, SparkSubmitProcess job, RestApi rest,
                                                     int afterRound, Duration timeout)
            throws IOException, InterruptedException {
        Pattern roundJob = Pattern.compile("\\bround (\\d+)/");
        Instant deadline = Instant.now().plus(timeout);
        String last = "(no answer yet)";
        while (Instant.now().isBefore(deadline) && job.isAlive()) {
            Optional<JsonNode> jobs = rest.get("/jobs?status=running");
            Optional<JsonNode> executors = rest.get("/executors");
            last = "jobs " + jobs.map(JsonNode::toString).orElse("?") + "\nexecutors "
                    + executors.map(JsonNode::toString).orElse("?");
            int round = jobs.map(js -> stream(js).mapToInt(j -> {
                var m = roundJob.matcher(j.path("description").asText(""));
                return m.find() ? Integer.parseInt(m.group(1)) : -1;
            }).max().orElse(-1)).orElse(-1);
            if (round > afterRound && executors.isPresent()) {
                for (JsonNode e : stream(executors.get()).toList()) {
                    String id = e.path("id").asText();
                    if (!id.equals("driver") && e.path("isActive").asBoolean() && e.path("activeTasks").asInt() > 0) {
                        Optional<StandaloneCluster.ExecutorJvm> jvm = cluster.runningExecutors().stream()
                                .filter(x -> x.appId().equals(rest.appId()) && x.executorId().equals(id)).findFirst();
                        if (jvm.isPresent()) {
                            return new Victim(jvm.get(), round);
                        }
                    }
                }
            }
            Thread.sleep(POLL.toMillis());
        }
        throw new AssertionError("no executor of this cluster ran a task of a round after " + afterRound + " within "
                + timeout + " (driver alive: " + job.isAlive() + "); last REST answers:\n" + last);
    }

    /** The driver's monitoring REST API ({@code /api/v1/applications/APP}) of a running application. */
    private record RestApi(HttpClient http, String base, String appId) {
        /** Polls until the driver's UI on {@code port} lists the application, and returns its API. */
        static RestApi await(int port, SparkSubmitProcess job, Duration timeout) throws IOException, InterruptedException {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            String api = "http://127.0.0.1:" + port + "/api/v1/applications";
            Instant deadline = Instant.now().plus(timeout);
            while (Instant.now().isBefore(deadline) && job.isAlive()) {
                Optional<JsonNode> apps = get(http, api);
                if (apps.isPresent() && apps.get().isArray() && apps.get().size() > 0) {
                    return new RestApi(http, api + "/" + apps.get().get(0).get("id").asText(),
                            apps.get().get(0).get("id").asText());
                }
                Thread.sleep(POLL.toMillis());
            }
            throw new AssertionError("the driver's REST API on port " + port + " did not list the application within "
                    + timeout + " (driver alive: " + job.isAlive() + ")");
        }

        Optional<JsonNode> get(String path) throws IOException, InterruptedException {
            return RestApi.get(http, base + path);
        }

        /**
         * GET a JSON document; empty while the server is not reachable, answers with an error, or is still starting
         * (it answers 200 with a plain-text "Spark is starting up" page then, and its first API request can take
         * seconds on a busy machine).
         */
        static Optional<JsonNode> get(HttpClient http, String url) throws IOException, InterruptedException {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
                String body = r.body().strip();
                if (r.statusCode() != 200 || !(body.startsWith("[") || body.startsWith("{"))) {
                    return Optional.empty();
                }
                return Optional.of(Json.mapper().readTree(body));
            } catch (IOException e) {
                // Not listening yet, timed out, or a connection reset while the UI starts: not ready.
                return Optional.empty();
            }
        }
    }

    private static Stream<JsonNode> stream(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out.stream();
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

    private static void killIfAlive(SparkSubmitProcess job) {
        if (job.isAlive()) {
            job.kill();
        }
    }

    /** A port free on 127.0.0.1 now. */
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

}
