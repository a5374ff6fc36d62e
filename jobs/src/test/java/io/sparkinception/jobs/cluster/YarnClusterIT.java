package io.sparkinception.jobs.cluster;

import io.sparkinception.common.Json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkinception.preprocessing.MetadataIO;
import io.sparkinception.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The YARN recipe of docs/cluster-yarn.md, for real: {@code bin/spark-submit --master yarn --deploy-mode client}
 * against Hadoop's in-process {@link YarnCluster MiniYARNCluster} (a ResourceManager and two NodeManagers of 3 GB;
 * containers are processes of their own, launched by the NodeManagers), with the recipe's settings scaled down:
 * executors of 1 GB heap + {@code spark.executor.memoryOverhead=1g} (containers of 2 GB, the NodeManagers' memory
 * check on), JavaCPP's limits inside the container, one OpenMP thread in executors and the ApplicationMaster.
 *
 * <p>{@code preprocess} (every 8th image of GTSRB, at 32 px) and then {@code train} (a tiny GoogLeNet, 2 workers, a few rounds) run with
 * their executors in YARN containers: while each job runs, its executor JVMs are found by their command line
 * ({@link YarnCluster#EXECUTOR_CLASS} and the application id) with working directories inside the NodeManagers'
 * directories; after it, the application finished SUCCEEDED and the NodeManagers' log dirs hold its containers.
 * Then the same training again, in which one executor JVM is killed with SIGKILL while it trains a partition of
 * round 3: YARN reports the container's exit 137, the driver loses the executor and its task, a replacement
 * executor runs in a new container (the other executor is paused until it does, so that the end of the run cannot
 * outrun YARN's allocation), and the run ends with the same parameters, bit for bit ({@code params_sha256}
 * of summary.json and the mean loss of every round), as the fault-free run on YARN.
 *
 * <p>Not compared with {@code local[2]}: the same command there ends with other bits (the first round's mean loss
 * already differs in the 6th digit), so only runs on executors of the same kind are compared, as in
 * {@link TrainClusterIT}.
 *
 * <p>Runs on the build's Spark jars (jobs/spark-home, which has spark-yarn of spark-core's version);
 * {@code -Dspark.inception.yarn.sparkHome=DIR} runs on a Spark distribution instead (the driver and the containers
 * then use DIR/jars). Either must have spark-yarn of spark-core's version, or the test fails up front.
 */
class YarnClusterIT {
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(8);
    /** Every N-th image of GTSRB's Train.csv (491 of 3,921, every class): enough for a few rounds, quick to prepare. */
    private static final int SUBSET_EVERY = 8;
    private static final Duration POLL = Duration.ofMillis(200);
    /** How long the surviving executors stay paused at most while YARN brings up a replacement executor. */
    private static final Duration REPLACEMENT_TIMEOUT = Duration.ofSeconds(90);
    private static final int ROUNDS = 4;
    /** The round whose completion the faulty run waits for; an executor is killed while it trains the next one. */
    private static final int KILL_AFTER_ROUND = 2;
    private static final int EXECUTORS = 2;

    /** A Spark distribution to run on YARN instead of the build's jars: {@code -Dspark.inception.yarn.sparkHome=DIR}. */
    private static final String SPARK_HOME_PROPERTY = "spark.inception.yarn.sparkHome";

    @Test
    @Timeout(value = 20, unit = java.util.concurrent.TimeUnit.MINUTES)
    void preprocessAndTrainRunInYarnContainersAndAKilledContainerRecoversToTheSameBits() throws Exception {
        Path sparkHome = sparkHome();
        requireSparkYarnMatchingSparkCore(sparkHome.resolve("jars"));
        Path work = SparkSubmitProcess.freshDir(SharedData.repoRoot().resolve("jobs/target/it/yarn-cluster"));
        Path data = work.resolve("data");
        Path yarnOut = work.resolve("out-yarn");
        Path faultyOut = work.resolve("out-yarn-killed");

        try (YarnCluster yarn = YarnCluster.start("yarn-cluster-it", 2, 3072)) {
            YarnRun pre = runOnYarn(yarn, work, sparkHome, "preprocess", preprocess(subset(work), data), Fault.NONE);
            assertTrue(Files.isRegularFile(data.resolve(MetadataIO.FILE_NAME)), "preprocess wrote no metadata.json");
            assertExecutorsRanInContainers(yarn, pre);

            YarnRun train = runOnYarn(yarn, work, sparkHome, "train-yarn", train(data, yarnOut), Fault.NONE);
            assertExecutorsRanInContainers(yarn, train);
            assertTrue(Files.isRegularFile(yarnOut.resolve("summary.json")), "train on YARN wrote no summary.json");

            YarnRun faulty = runOnYarn(yarn, work, sparkHome, "train-yarn-killed", train(data, faultyOut),
                    YarnClusterIT::killABusyExecutor);
            assertExecutorWasLostAndReplaced(yarn, faulty);
        }
        String sha = assertSameParameters(yarnOut, faultyOut);
        System.out.printf("YarnClusterIT: YARN fault-free and with a killed container: params_sha256 %s%n", sha);
    }

    /** What the test saw of one application on YARN. */
    private record YarnRun(String name, String appId, SparkSubmitProcess.Result result,
                           Map<Long, Path> executorDirs, Optional<Killed> killed) {
    }

    /**
     * An executor JVM the test killed, the set of executor JVMs that ran before the kill, and the replacement JVM(s)
     * seen after it (pid to working directory).
     */
    private record Killed(long pid, Set<Long> runningBefore, Map<Long, Path> replacements) {
    }

    /** Something done to a running application once its executors run; returns the executor it killed, if any. */
    private interface Fault {
        Fault NONE = (job, appId) -> Optional.empty();

        Optional<Killed> inject(SparkSubmitProcess job, String appId);
    }

    /**
     * After the driver's stdout shows round {@link #KILL_AFTER_ROUND}, the next round's tasks start: SIGKILL the
     * executor JVM that is computing (its CPU time grows by at least half the polling interval), that is, training a
     * partition of the next round.
     *
     * <p>The surviving executors are then paused (SIGSTOP) until YARN's replacement executor JVM runs, and resumed
     * (SIGCONT). Without the pause the survivor reruns the lost task and finishes the last rounds in a few seconds,
     * before the ApplicationMaster's next allocation heartbeat brings the new container up: CI once saw such a run end
     * with no replacement at all. A pause of seconds is far below the driver's executor heartbeat timeout (120 s).
     */
    private static Optional<Killed> killABusyExecutor(SparkSubmitProcess job, String appId) {
        job.awaitStdoutLine(Pattern.compile("^train: round " + KILL_AFTER_ROUND + "/" + ROUNDS + " "), JOB_TIMEOUT);
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (Instant.now().isBefore(deadline) && job.isAlive()) {
            List<ProcessHandle> executors = YarnCluster.executorProcesses(appId);
            Map<ProcessHandle, Duration> cpu = new LinkedHashMap<>();
            executors.forEach(p -> cpu.put(p, p.info().totalCpuDuration().orElse(Duration.ZERO)));
            job.waitFor(POLL);
            for (ProcessHandle p : executors) {
                Duration used = p.info().totalCpuDuration().orElse(Duration.ZERO).minus(cpu.get(p));
                if (p.isAlive() && used.compareTo(POLL.dividedBy(2)) >= 0) {
                    Set<Long> before = executors.stream().map(ProcessHandle::pid).collect(Collectors.toSet());
                    List<ProcessHandle> survivors = executors.stream().filter(e -> e.pid() != p.pid()).toList();
                    signal("STOP", survivors);
                    try {
                        p.destroyForcibly();
                        System.out.printf("YarnClusterIT: killed executor pid %d of %s (%d ms CPU in %d ms);"
                                + " paused %s until a replacement runs%n", p.pid(), appId, used.toMillis(),
                                POLL.toMillis(), survivors.stream().map(ProcessHandle::pid).toList());
                        return Optional.of(new Killed(p.pid(), before, awaitReplacement(job, appId, before)));
                    } finally {
                        signal("CONT", survivors);
                    }
                }
            }
        }
        throw new AssertionError("no executor of " + appId + " was busy after round " + KILL_AFTER_ROUND
                + " (driver alive: " + job.isAlive() + ")");
    }

    /** The executor JVMs of {@code appId} not in {@code before}, with their working directories, once one runs. */
    private static Map<Long, Path> awaitReplacement(SparkSubmitProcess job, String appId, Set<Long> before) {
        Instant deadline = Instant.now().plus(REPLACEMENT_TIMEOUT);
        while (Instant.now().isBefore(deadline) && job.isAlive()) {
            Map<Long, Path> replacements = new LinkedHashMap<>(YarnCluster.executorDirectories(appId));
            replacements.keySet().removeAll(before);
            if (!replacements.isEmpty()) {
                return replacements;
            }
            job.waitFor(POLL);
        }
        throw new AssertionError("no replacement executor JVM of " + appId + " ran within " + REPLACEMENT_TIMEOUT
                + " of the kill (driver alive: " + job.isAlive() + ")");
    }

    /** {@code kill -SIG pid...}: pauses (STOP) or resumes (CONT) processes; Java has no API for either. */
    private static void signal(String signal, List<ProcessHandle> processes) {
        if (processes.isEmpty()) {
            return;
        }
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
        processes.forEach(p -> command.add(Long.toString(p.pid())));
        try {
            int exit = new ProcessBuilder(command).inheritIO().start().waitFor();
            assertEquals(0, exit, String.join(" ", command) + " failed");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while sending SIG" + signal, e);
        }
    }

    /**
     * The kill mattered and YARN recovered: the driver lost the executor and the task it ran, YARN reported the
     * container's exit, and a replacement executor JVM ran in a new container of the same application.
     */
    private static void assertExecutorWasLostAndReplaced(YarnCluster yarn, YarnRun run) throws IOException {
        Killed k = run.killed().orElseThrow(() -> new AssertionError(run.name() + ": no executor was killed"));
        String stderr = run.result().stderr();
        String victimContainer = run.executorDirs().get(k.pid()).getFileName().toString();
        List<String> driverLog = stderr.lines().toList();
        assertTrue(driverLog.stream().anyMatch(l -> l.contains("Lost executor ") && l.contains(victimContainer)
                        && l.contains("Exit status: 137")),
                run.name() + ": the driver did not log the loss of " + victimContainer + " (exit 137):\n" + stderr);
        assertTrue(driverLog.stream().anyMatch(l -> l.contains("Lost task ") && l.contains("ExecutorLostFailure")
                        && l.contains(victimContainer)),
                run.name() + ": the driver lost no task in " + victimContainer + " (was it killed mid-task?):\n" + stderr);
        List<Long> replacements = run.executorDirs().keySet().stream().filter(pid -> !k.runningBefore().contains(pid))
                .toList();
        assertFalse(replacements.isEmpty(), run.name() + ": no replacement executor JVM ran after the kill; seen "
                + run.executorDirs() + ", before the kill " + k.runningBefore());
        List<String> logged = yarn.containerLogDirs(run.appId()).stream().map(p -> p.getFileName().toString()).toList();
        for (long pid : replacements) {
            String container = run.executorDirs().get(pid).getFileName().toString();
            assertFalse(container.equals(victimContainer), "the replacement ran in the victim's container " + container);
            assertTrue(logged.contains(container), "the replacement's container " + container + " has no log dir");
        }
        System.out.printf("YarnClusterIT: %s: killed the executor in %s; replacement(s) in %s%n", run.name(),
                victimContainer, replacements.stream().map(pid -> run.executorDirs().get(pid).getFileName()).toList());
    }

    /**
     * Submits {@code args} to YARN, watches the executor JVMs of the application while it runs (pid to working
     * directory), and checks that the driver exited 0 and the application finished SUCCEEDED.
     */
    private static YarnRun runOnYarn(YarnCluster yarn, Path work, Path sparkHome, String name, List<String> jobArgs,
                                     Fault fault) throws IOException, InterruptedException {
        List<String> before = yarn.applications();
        SparkSubmitProcess job = SparkSubmitProcess.builder(work, name).env("SPARK_HOME", sparkHome.toString())
                .env("HADOOP_CONF_DIR", yarn.confDir().toString()).env("YARN_CONF_DIR", yarn.confDir().toString())
                .args(yarnMode(work, sparkHome)).args(jobArgs).start();
        Map<Long, Path> executors = new LinkedHashMap<>();
        String appId = null;
        Optional<Killed> killed = Optional.empty();
        boolean injected = false;
        try {
            Instant deadline = Instant.now().plus(JOB_TIMEOUT);
            while (!job.waitFor(POLL) && Instant.now().isBefore(deadline)) {
                if (appId == null) {
                    appId = yarn.applications().stream().filter(a -> !before.contains(a)).findFirst().orElse(null);
                } else {
                    YarnCluster.executorDirectories(appId).forEach(executors::putIfAbsent);
                    if (!injected && executors.size() >= EXECUTORS) {
                        injected = true;
                        killed = fault.inject(job, appId);
                        killed.ifPresent(k -> k.replacements().forEach(executors::putIfAbsent));
                    }
                }
            }
            SparkSubmitProcess.Result result = job.await(JOB_TIMEOUT);
            assertEquals(0, result.exitCode(), () -> name + " on YARN failed: " + result.describe()
                    + "\nYARN's directories: " + yarn.workDir());
            if (appId == null) {
                appId = yarn.applications().stream().filter(a -> !before.contains(a)).findFirst().orElseThrow(
                        () -> new AssertionError(name + ": no application reached the ResourceManager"));
            }
            assertEquals(FinalApplicationStatus.SUCCEEDED, yarn.finalStatus(appId), name + ": " + appId);
            return new YarnRun(name, appId, result, executors, killed);
        } finally {
            if (job.isAlive()) {
                job.kill();
            }
        }
    }

    /**
     * The executors were JVMs of their own, launched by the NodeManagers in containers of this application: seen
     * running with a working directory inside the NodeManagers' local dirs, and with a log dir per container (the
     * ApplicationMaster's and the executors') under the NodeManagers' log dirs.
     */
    private static void assertExecutorsRanInContainers(YarnCluster yarn, YarnRun run) throws IOException {
        Path yarnRoot = yarn.workDir().toRealPath();
        assertTrue(run.executorDirs().size() >= EXECUTORS, run.name() + ": expected " + EXECUTORS
                + " executor JVMs of " + run.appId() + " while it ran, saw " + run.executorDirs());
        for (Map.Entry<Long, Path> e : run.executorDirs().entrySet()) {
            Path cwd = e.getValue();
            assertTrue(cwd.startsWith(yarnRoot) && cwd.toString().contains(run.appId())
                            && cwd.getFileName().toString().startsWith("container_"),
                    run.name() + ": executor pid " + e.getKey() + " ran in " + cwd + ", not in a container dir of "
                            + run.appId() + " under " + yarnRoot);
        }
        List<Path> logs = yarn.containerLogDirs(run.appId());
        assertTrue(logs.size() >= EXECUTORS + 1, run.name() + ": the NodeManagers' log dirs hold " + logs
                + " for " + run.appId() + " (expected the ApplicationMaster's and " + EXECUTORS + " executors')");
        List<String> containers = run.executorDirs().values().stream().map(p -> p.getFileName().toString()).toList();
        List<String> logged = logs.stream().map(p -> p.getFileName().toString()).toList();
        assertTrue(logged.containsAll(containers), run.name() + ": executor containers " + containers
                + " have no log dir among " + logged);
        System.out.printf("YarnClusterIT: %s ran as %s; executor containers %s%n", run.name(), run.appId(), containers);
    }

    /** The same parameters and round losses, bit for bit; returns the params_sha256. */
    private static String assertSameParameters(Path expectedOut, Path actualOut) throws IOException {
        JsonNode a = Json.mapper().readTree(expectedOut.resolve("summary.json").toFile());
        JsonNode b = Json.mapper().readTree(actualOut.resolve("summary.json").toFile());
        assertEquals(ROUNDS, a.get("rounds").asLong(), "the reference run did not run " + ROUNDS + " rounds: " + a);
        assertEquals(a.get("rounds"), b.get("rounds"), "rounds differ");
        assertEquals(a.get("examples_seen"), b.get("examples_seen"), "examples_seen differs");
        String sha = a.get("params_sha256").asText();
        assertTrue(sha.matches("[0-9a-f]{64}"), "params_sha256 of the reference run: " + sha);
        assertEquals(sha, b.get("params_sha256").asText(), "other parameters in " + actualOut + " than in "
                + expectedOut + "; per-round losses:\n " + roundLosses(expectedOut) + "\n " + roundLosses(actualOut));
        assertEquals(roundLosses(expectedOut), roundLosses(actualOut), "per-round losses differ");
        return sha;
    }

    /**
     * The recipe of docs/cluster-yarn.md in client mode, scaled to this machine: 2 executors x 1 core, 1 GB heap +
     * 1 GB overhead, JavaCPP limited to the overhead and the process to 95 % of the container. The Spark jars are
     * the build's ({@code local:}, present on every node here, so nothing is uploaded); the staging dir is the
     * test's.
     */
    private static List<String> yarnMode(Path work, Path sparkHome) {
        String javaHome = System.getProperty("java.home");
        String jars = sparkHome.resolve("jars").toString();
        return List.of("--master", "yarn", "--deploy-mode", "client",
                "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
                "--num-executors", String.valueOf(EXECUTORS), "--executor-cores", "1", "--executor-memory", "1g",
                "--conf", "spark.executor.memoryOverhead=1g",
                "--conf", "spark.executor.extraJavaOptions=-Dorg.bytedeco.javacpp.maxbytes=1g"
                        + " -Dorg.bytedeco.javacpp.maxphysicalbytes=1945m",
                "--conf", "spark.executorEnv.OMP_NUM_THREADS=1", "--conf", "spark.yarn.appMasterEnv.OMP_NUM_THREADS=1",
                "--conf", "spark.executorEnv.JAVA_HOME=" + javaHome,
                "--conf", "spark.yarn.appMasterEnv.JAVA_HOME=" + javaHome,
                "--conf", "spark.yarn.jars=local:" + jars + "/*",
                "--conf", "spark.yarn.stagingDir=" + work.resolve("staging").toUri(),
                "--conf", "spark.yarn.maxAppAttempts=1");
    }

    /** The build's jars (jobs/spark-home), or the distribution named by {@value #SPARK_HOME_PROPERTY}. */
    private static Path sparkHome() {
        String dir = System.getProperty(SPARK_HOME_PROPERTY, "");
        return dir.isBlank() ? SharedData.repoRoot().resolve("jobs/spark-home/target/spark-home") : Path.of(dir);
    }

    /**
     * Spark's YARN module calls internals of spark-core (config entries, SparkHadoopUtil) that change between feature
     * releases: it runs only beside the spark-core of its own version. Without such a pair the submissions would
     * fail with a NoSuchMethodError deep in the driver or the ApplicationMaster; say so before starting YARN.
     */
    private static void requireSparkYarnMatchingSparkCore(Path jars) throws IOException {
        Optional<String> core = jarVersion(jars, "spark-core_2.13-");
        Optional<String> yarnModule = jarVersion(jars, "spark-yarn_2.13-");
        assertTrue(yarnModule.isPresent() && yarnModule.equals(core), () -> "no spark-yarn of spark-core's version ("
                + core.orElse("none") + ") in " + jars + " (spark-yarn: " + yarnModule.orElse("none")
                + "); see the spark-yarn comment in jobs/spark-home/pom.xml, or run with -D"
                + SPARK_HOME_PROPERTY + "=DIR on a Spark distribution that has both");
    }

    private static Optional<String> jarVersion(Path jars, String prefix) throws IOException {
        try (java.util.stream.Stream<Path> files = Files.list(jars)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix) && n.endsWith(".jar"))
                    .map(n -> n.substring(prefix.length(), n.length() - ".jar".length())).findFirst();
        }
    }

    /** Every {@link #SUBSET_EVERY}-th row of GTSRB's Train.csv, written to {@code work/Train-subset.csv}. */
    private static Path subset(Path work) throws IOException {
        List<String> rows = Files.readAllLines(SharedData.data("gtsrb/Train.csv"));
        List<String> subset = new ArrayList<>(List.of(rows.get(0)));
        for (int i = 1; i < rows.size(); i += SUBSET_EVERY) {
            subset.add(rows.get(i));
        }
        return Files.write(work.resolve("Train-subset.csv"), subset);
    }

    /** preprocess: a subset of GTSRB at 32 px, float16 (image paths relative to the shared GTSRB folder). */
    private static List<String> preprocess(Path csv, Path output) {
        return List.of(SparkSubmitProcess.appJar().toString(), "preprocess",
                "--format", "gtsrb",
                "--input", csv.toString(),
                "--images-root", SharedData.data("gtsrb").toString(),
                "--class-names", SharedData.data("gtsrb/signnames.csv").toString(),
                "--output", output.toString(),
                "--image-size", "32",
                "--storage", "float16",
                "--scale-by-std", "true");
    }

    /** train: a tiny GoogLeNet, 2 workers (one per executor), a few rounds, a checkpoint every 2. */
    private static List<String> train(Path data, Path output) {
        return List.of(SparkSubmitProcess.appJar().toString(), "train",
                "--data", data.toString(),
                "--output", output.toString(),
                "--family", "googlenet", "--width", "0.25", "--min-filters", "8",
                "--workers", "2", "--batch-size-per-worker", "16", "--averaging-frequency", "2",
                "--epochs", "1", "--max-rounds", String.valueOf(ROUNDS), "--checkpoint-every", "2",
                "--validate-every-epochs", "0", "--seed", "5");
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
