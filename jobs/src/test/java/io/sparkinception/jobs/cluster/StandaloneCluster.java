package io.sparkinception.jobs.cluster;

import io.sparkinception.testing.SharedData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real standalone Spark cluster for integration tests: {@code bin/local-cluster start} (on ports the OS picks) with a
 * state directory of its own (under {@code jobs/target/it-clusters}, so the logs survive a failed test), and
 * {@code bin/local-cluster stop} on {@link #close()}. The Master, the Workers and the executors the Workers launch
 * are separate JVMs bound to 127.0.0.1, started from the build's Spark jars.
 *
 * <pre>{@code
 * try (StandaloneCluster cluster = StandaloneCluster.start(1, 2, "3g")) {
 *     SparkSubmitProcess.builder(logDir, "job").args("--master", cluster.masterUrl(), ...).run(timeout);
 * }
 * }</pre>
 *
 * <p>{@link #executorPids()} and {@link #killExecutor(long)} let a test kill an executor JVM mid-job; a killed
 * executor is reported to the Master, which launches a replacement (up to {@code spark.deploy.maxExecutorRetries}).
 */
public final class StandaloneCluster implements AutoCloseable {
    /** The main class in every executor JVM's command line. */
    public static final String EXECUTOR_CLASS = "org.apache.spark.executor.CoarseGrainedExecutorBackend";

    /** Generous: on the shared 2-core machine (load average 20) a Worker took over 180 s to register. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(420);
    /** The script itself gives up after START_TIMEOUT; this only guards against a hung script. */
    private static final Duration SCRIPT_TIMEOUT = START_TIMEOUT.plusSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration POLL = Duration.ofMillis(200);

    private final Path root;
    private final Path stateDir;
    private final String masterUrl;
    private final long masterPid;
    private final List<Long> workerPids;
    private final Set<ProcessHandle> executorsSeen = new LinkedHashSet<>();
    private boolean closed;

    private StandaloneCluster(Path root, Path stateDir, Map<String, String> state) {
        this.root = root;
        this.stateDir = stateDir;
        this.masterUrl = required(state, "MASTER_URL");
        this.masterPid = Long.parseLong(required(state, "MASTER_PID"));
        this.workerPids = Arrays.stream(required(state, "WORKER_PIDS").split(","))
                .map(String::trim).map(Long::parseLong).toList();
    }

    /**
     * Starts a Master and {@code workers} Workers offering {@code cores} cores and {@code memory} (e.g. "3g") each,
     * and waits until every Worker is registered. {@code moreOptions} go to {@code bin/local-cluster start} as they
     * are (e.g. {@code "--properties-file", file}).
     */
    public static StandaloneCluster start(int workers, int cores, String memory, String... moreOptions)
            throws IOException {
        Path root = SharedData.repoRoot();
        Path parent = Files.createDirectories(root.resolve("jobs/target/it-clusters"));
        Path stateDir = Files.createTempDirectory(parent, "cluster-");
        // The script lets the OS pick free ports for the Master (and the Workers), so clusters never collide.
        List<String> command = new ArrayList<>(List.of(script(root).toString(), "start", "--dir", stateDir.toString(),
                "--workers", String.valueOf(workers), "--cores", String.valueOf(cores), "--memory", memory,
                "--timeout", String.valueOf(START_TIMEOUT.toSeconds())));
        command.addAll(List.of(moreOptions));
        ScriptResult started = runScript(root, stateDir, "start", command, SCRIPT_TIMEOUT);
        Map<String, String> state = readState(stateDir);
        if (started.exitCode() != 0 || state.get("MASTER_URL") == null) {
            // Stop whatever the failed start left behind before failing.
            runScript(root, stateDir, "stop", List.of(script(root).toString(), "stop", "--dir", stateDir.toString()),
                    STOP_TIMEOUT);
            throw new IllegalStateException("bin/local-cluster start failed (exit " + started.exitCode() + "):\n"
                    + started.output() + "\nlogs in " + stateDir);
        }
        String lastLine = started.output().strip().lines().reduce((a, b) -> b).orElse("");
        StandaloneCluster cluster = new StandaloneCluster(root, stateDir, state);
        if (!lastLine.equals(cluster.masterUrl)) {
            cluster.close();
            throw new IllegalStateException("bin/local-cluster start printed '" + lastLine + "' last, but recorded "
                    + cluster.masterUrl + " in " + stateDir.resolve("cluster.env"));
        }
        return cluster;
    }

    /** {@code spark://127.0.0.1:PORT}. */
    public String masterUrl() {
        return masterUrl;
    }

    /** The state directory: cluster.env, master.log, worker-N.log and the Workers' work directories. */
    public Path stateDir() {
        return stateDir;
    }

    public long masterPid() {
        return masterPid;
    }

    public List<Long> workerPids() {
        return workerPids;
    }

    /**
     * The PIDs of the executor JVMs running now: children of this cluster's Workers whose command line names
     * {@link #EXECUTOR_CLASS}. Every call also remembers them for {@link #executorsSeen()}.
     */
    public List<Long> executorPids() {
        return executors().stream().map(ProcessHandle::pid).toList();
    }

    /**
     * A running executor JVM and what its command line says it is.
     *
     * @param appId      the application it serves ({@code app-...}, the Spark application id)
     * @param executorId the executor id the driver and the logs use ("0", "1", ...)
     */
    public record ExecutorJvm(long pid, String appId, String executorId) {
    }

    /**
     * The executor JVMs running now with their application and executor ids (read from the {@code --app-id} and
     * {@code --executor-id} arguments the Worker launched them with). Also remembered for {@link #executorsSeen()}.
     */
    public List<ExecutorJvm> runningExecutors() {
        List<ExecutorJvm> out = new ArrayList<>();
        for (ProcessHandle p : executors()) {
            List<String> args = Arrays.asList(commandLine(p).split("\\s+"));
            int app = args.indexOf("--app-id");
            int id = args.indexOf("--executor-id");
            if (p.isAlive() && app >= 0 && id >= 0 && app + 1 < args.size() && id + 1 < args.size()) {
                out.add(new ExecutorJvm(p.pid(), args.get(app + 1), args.get(id + 1)));
            }
        }
        return out;
    }

    /** Every executor JVM {@link #executorPids()} (or the await methods) ever saw, running or not. */
    public synchronized List<Long> executorsSeen() {
        executors();
        return executorsSeen.stream().map(ProcessHandle::pid).toList();
    }

    /** Polls until at least {@code count} executor JVMs run, and returns their PIDs. */
    public List<Long> awaitExecutors(int count, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        List<Long> pids = executorPids();
        while (pids.size() < count) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("expected at least " + count + " executor JVMs within " + timeout + ", found "
                        + pids + "; logs in " + stateDir);
            }
            pause();
            pids = executorPids();
        }
        return pids;
    }

    /** Polls until no executor JVM runs (the Workers stop an application's executors when it ends). */
    public void awaitNoExecutors(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        List<Long> pids = executorPids();
        while (!pids.isEmpty()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("executor JVMs " + pids + " still run " + timeout + " after waiting; logs in "
                        + stateDir);
            }
            pause();
            pids = executorPids();
        }
    }

    /**
     * Kills the executor JVM {@code pid} with SIGKILL and waits until it is gone. The PID must be one of
     * {@link #executorPids()} at the time of the call: a test never kills anything but this cluster's executors
     * (the handle also carries the process start time, so a reused PID is never hit).
     *
     * @throws IllegalArgumentException when {@code pid} is not a running executor of this cluster
     */
    public void killExecutor(long pid) {
        ProcessHandle executor = executors().stream().filter(p -> p.pid() == pid).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("pid " + pid + " is not a running executor of this"
                        + " cluster (running executors: " + executorPids() + ")"));
        executor.destroyForcibly();
        try {
            executor.onExit().get(30, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("executor " + pid + " still runs 30 s after SIGKILL");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for executor " + pid + " to exit", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("waiting for executor " + pid + " failed", e);
        }
    }

    /**
     * The executor directories the Workers created ({@code work/worker-N/app-ID/EXECUTOR_ID}), each with the
     * executor's {@code stdout} and {@code stderr}; stderr begins with the Worker's "Spark Executor Command" line.
     */
    public List<Path> executorDirs() throws IOException {
        Path work = stateDir.resolve("work");
        if (!Files.isDirectory(work)) {
            return List.of();
        }
        try (Stream<Path> paths = Files.walk(work, 3)) {
            return paths.filter(p -> work.relativize(p).getNameCount() == 3)
                    .filter(p -> p.getParent().getFileName().toString().startsWith("app-"))
                    .filter(Files::isDirectory).sorted().toList();
        }
    }

    /** Runs {@code bin/local-cluster stop} and checks that the Master, the Workers and every executor are gone. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        executors(); // remember the executors running now, to check below that stop ended them
        List<ProcessHandle> ours = new ArrayList<>(executorsSeen);
        Stream.concat(Stream.of(masterPid), workerPids.stream())
                .forEach(pid -> ProcessHandle.of(pid).ifPresent(ours::add));
        ScriptResult stopped = runScript(root, stateDir, "stop",
                List.of(script(root).toString(), "stop", "--dir", stateDir.toString()), STOP_TIMEOUT);
        List<Long> survivors = ours.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList();
        if (stopped.exitCode() != 0 || !survivors.isEmpty()) {
            // Last resort, so that a failing test never leaves JVMs behind; the test still fails.
            ours.forEach(ProcessHandle::destroyForcibly);
            throw new IllegalStateException("bin/local-cluster stop failed (exit " + stopped.exitCode()
                    + ", still running: " + survivors + "):\n" + stopped.output());
        }
        deleteFetchedJars();
    }

    /** Executors fetch a copy of the application jar (150 MB) into their directory; the logs are kept. */
    private void deleteFetchedJars() {
        if (!Files.isDirectory(stateDir.resolve("work"))) {
            return;
        }
        try (Stream<Path> paths = Files.walk(stateDir.resolve("work"))) {
            for (Path jar : paths.filter(p -> p.getFileName().toString().endsWith(".jar")).toList()) {
                Files.delete(jar);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean " + stateDir.resolve("work"), e);
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private synchronized List<ProcessHandle> executors() {
        List<ProcessHandle> found = workerPids.stream()
                .flatMap(pid -> ProcessHandle.of(pid).stream())
                .flatMap(ProcessHandle::children)
                .filter(p -> commandLine(p).contains(EXECUTOR_CLASS))
                .toList();
        executorsSeen.addAll(found);
        return found;
    }

    /** The command line from ProcessHandle.Info, or from /proc when the JDK cannot tell (e.g. a long one). */
    private static String commandLine(ProcessHandle p) {
        Optional<String> line = p.info().commandLine();
        if (line.isPresent()) {
            return line.get();
        }
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", String.valueOf(p.pid()), "cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException | UncheckedIOException e) {
            return ""; // gone, or not Linux
        }
    }

    private static Path script(Path root) {
        return root.resolve("bin/local-cluster");
    }

    private record ScriptResult(int exitCode, String output) {
    }

    /** Runs the script with stdout and stderr to one file in the state dir; a hung script is killed. */
    private static ScriptResult runScript(Path root, Path stateDir, String name, List<String> command, Duration timeout) {
        Path log = stateDir.resolve("local-cluster-" + name + ".out");
        ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        // The build's jars and the repository's conf/, whatever the environment says.
        pb.environment().remove("SPARK_HOME");
        pb.environment().remove("SPARK_CONF_DIR");
        try {
            Process process = pb.start();
            process.getOutputStream().close();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                return new ScriptResult(-1, Files.readString(log) + "\n(timed out after " + timeout + ")");
            }
            return new ScriptResult(process.exitValue(), Files.readString(log));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }

    private static Map<String, String> readState(Path stateDir) throws IOException {
        Path file = stateDir.resolve("cluster.env");
        Map<String, String> state = new HashMap<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    state.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
        }
        return state;
    }

    private static String required(Map<String, String> state, String key) {
        String value = state.get(key);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("cluster.env has no " + key + ": " + state);
        }
        return value;
    }

    /** The interval of bounded polling. */
    private static void pause() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while polling", e);
        }
    }

    @Override
    public String toString() {
        return "StandaloneCluster[" + masterUrl + ", master pid " + masterPid + ", worker pids "
                + workerPids.stream().map(String::valueOf).collect(Collectors.joining(",")) + ", " + stateDir + "]";
    }
}
