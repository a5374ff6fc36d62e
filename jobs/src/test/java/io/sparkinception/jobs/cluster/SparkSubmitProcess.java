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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * {@code bin/spark-submit ARGS} as a subprocess of a test, run from the repository root, with stdout and stderr
 * captured to {@code LOG_DIR/NAME.stdout} and {@code LOG_DIR/NAME.stderr} and a timeout that kills the whole
 * process tree.
 *
 * <p>The subprocess does not inherit {@code SPARK_HOME} or {@code SPARK_CONF_DIR} (tests run the build's Spark jars
 * and the repository's {@code conf/}); set them with {@link Builder#env} to test something else.
 *
 * <pre>{@code
 * Result r = SparkSubmitProcess.builder(logDir, "local-preprocess")
 *         .args("--master", "local[2]", jar, "preprocess", "--help")
 *         .run(Duration.ofMinutes(2));
 * assertEquals(0, r.exitCode(), r::describe);
 * }</pre>
 */
public final class SparkSubmitProcess {
    private final String name;
    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final Instant started;

    private SparkSubmitProcess(String name, Process process, Path stdout, Path stderr) {
        this.name = name;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        this.started = Instant.now();
    }

    public static Builder builder(Path logDir, String name) {
        return new Builder(logDir, name);
    }

    /** An empty directory for a test's outputs and logs (the previous run's are removed). */
    public static Path freshDir(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        return Files.createDirectories(dir);
    }

    /** {@code jobs/target/spark-inception.jar}, which must have been built (failsafe runs after package). */
    public static Path appJar() {
        Path jar = SharedData.repoRoot().resolve("jobs/target/spark-inception.jar");
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError(jar + " is missing: build it first (./mvnw -q install -DskipTests)");
        }
        return jar;
    }

    /**
     * What a finished run returned.
     *
     * @param exitCode the exit code of bin/spark-submit
     * @param stdout   everything it wrote to stdout
     * @param stderr   everything it wrote to stderr
     * @param elapsed  wall time from start to exit
     */
    public record Result(int exitCode, String stdout, String stderr, Duration elapsed) {
        /** The lines of stderr that start with {@code error:} (the jar's one-line reasons). */
        public List<String> errorLines() {
            return stderr.lines().filter(l -> l.startsWith("error:")).toList();
        }

        /** For assertion messages: the exit code and the end of both streams. */
        public String describe() {
            return "exit code " + exitCode + " after " + elapsed.toSeconds() + " s\n--- stdout (end):\n" + tail(stdout)
                    + "\n--- stderr (end):\n" + tail(stderr);
        }

        private static String tail(String s) {
            List<String> lines = s.lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        }
    }

    /** The PID of the process (after bin/spark-submit execs the driver: the driver JVM). */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits up to {@code timeout} for the process to exit; true if it did. For bounded polling loops. */
    public boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + name, e);
        }
    }

    /**
     * Polls the process's stdout (every 200 ms) until a line matches {@code pattern} (with {@link
     * java.util.regex.Matcher#find}), and returns that line: a test hook to act at a point of a running job, with no
     * fixed sleep. Fails with the output so far when the process exits first or {@code timeout} passes (the process
     * keeps running then; {@link #await} or {@link #kill} ends it).
     */
    public String awaitStdoutLine(Pattern pattern, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            boolean exited = !process.isAlive();
            // Read after checking liveness, so that a line written just before the exit is not missed.
            for (String line : readLines(stdout)) {
                if (pattern.matcher(line).find()) {
                    return line;
                }
            }
            if (exited) {
                throw new AssertionError("bin/spark-submit (" + name + ") exited before its stdout showed a line matching /"
                        + pattern + "/:\n" + result(process.exitValue()).describe());
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("no stdout line of bin/spark-submit (" + name + ") matched /" + pattern
                        + "/ within " + timeout + ":\n" + result(-1).describe());
            }
            waitFor(Duration.ofMillis(200));
        }
    }

    /** Kills the process and all its descendants (SIGKILL) and waits up to 30 s for it; for cleanup after a failure. */
    public void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(30));
    }

    private static List<String> readLines(Path file) {
        try {
            // Lenient decoding: the file may end in the middle of a character the process is writing.
            return Files.exists(file)
                    ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList() : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * Waits for the process to exit and returns what it did. After {@code timeout} (counted from the start) the
     * process and all its descendants are killed and an AssertionError reports the output so far.
     */
    public Result await(Duration timeout) {
        Duration left = timeout.minus(Duration.between(started, Instant.now()));
        if (!waitFor(left.isNegative() ? Duration.ZERO : left)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            waitFor(Duration.ofSeconds(30));
            throw new AssertionError("bin/spark-submit (" + name + ") did not finish within " + timeout
                    + "; killed it.\n" + result(-1).describe());
        }
        return result(process.exitValue());
    }

    private Result result(int exitCode) {
        try {
            return new Result(exitCode, Files.readString(stdout), Files.readString(stderr),
                    Duration.between(started, Instant.now()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the output of " + name, e);
        }
    }

    /** The command line, environment and log files of one bin/spark-submit run. */
    public static final class Builder {
        private final Path logDir;
        private final String name;
        private final List<String> args = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();

        private Builder(Path logDir, String name) {
            this.logDir = logDir;
            this.name = name;
        }

        /** Appends arguments of bin/spark-submit. */
        public Builder args(String... more) {
            args.addAll(List.of(more));
            return this;
        }

        public Builder args(List<String> more) {
            args.addAll(more);
            return this;
        }

        /** Sets an environment variable of the subprocess. */
        public Builder env(String key, String value) {
            env.put(key, value);
            return this;
        }

        /** Starts the process and returns at once. */
        public SparkSubmitProcess start() {
            Path root = SharedData.repoRoot();
            List<String> command = new ArrayList<>();
            command.add(root.resolve("bin/spark-submit").toString());
            command.addAll(args);
            try {
                Files.createDirectories(logDir);
                Path out = logDir.resolve(name + ".stdout");
                Path err = logDir.resolve(name + ".stderr");
                ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile())
                        .redirectOutput(out.toFile()).redirectError(err.toFile());
                pb.environment().remove("SPARK_HOME");
                pb.environment().remove("SPARK_CONF_DIR");
                pb.environment().putAll(env);
                Process process = pb.start();
                process.getOutputStream().close();
                return new SparkSubmitProcess(name, process, out, err);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + command, e);
            }
        }

        /** Starts the process and waits for it (see {@link SparkSubmitProcess#await}). */
        public Result run(Duration timeout) {
            return start().await(timeout);
        }
    }
}
