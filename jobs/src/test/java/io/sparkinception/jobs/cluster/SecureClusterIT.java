package io.sparkinception.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.preprocessing.MetadataIO;
import io.sparkinception.preprocessing.synthetic.SyntheticSigns;
import io.sparkinception.testing.SharedData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code conf/spark-auth-example.conf} on a real standalone cluster: the Master and the Worker started with it
 * ({@code bin/local-cluster start --properties-file}), a job submitted with it ({@code bin/spark-submit
 * --properties-file ... --load-spark-defaults}) runs on executors of their own with authentication, RPC
 * encryption and I/O encryption on; the secret is on no command line; and the same job submitted without the
 * secret is refused. Every port of the cluster listens on 127.0.0.1 only.
 */
class SecureClusterIT {
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(8);

    @Test
    @Timeout(value = 20, unit = java.util.concurrent.TimeUnit.MINUTES)
    void aClusterWithAuthenticationRunsAJobWithTheSecretAndRefusesOneWithout() throws Exception {
        Path work = SparkSubmitProcess.freshDir(SharedData.repoRoot().resolve("jobs/target/it/secure-cluster"));
        String secret = HexFormat.of().formatHex(SecureRandom.getInstanceStrong().generateSeed(32));
        Path auth = authConf(work, secret);
        SyntheticSigns.Written data = new SyntheticSigns(4).write(work.resolve("data"), 12, 0, 3);

        try (StandaloneCluster cluster = StandaloneCluster.start(1, 2, "3g", "--properties-file", auth.toString())) {
            List<Long> daemons = Stream.concat(Stream.of(cluster.masterPid()), cluster.workerPids().stream()).toList();
            assertLoopbackOnly(daemons, "Master or Worker");
            assertNoCommandLineHolds(secret, daemons);

            // ---- with the secret: the job runs on the cluster's executors -----------------------------------
            Path out = work.resolve("out");
            SparkSubmitProcess job = SparkSubmitProcess.builder(work, "with-secret")
                    .args(List.of("--properties-file", auth.toString(), "--load-spark-defaults"))
                    .args(preprocess(cluster.masterUrl(), data, out)).start();
            Instant deadline = Instant.now().plus(JOB_TIMEOUT);
            Set<Long> executorsWithSecret = new HashSet<>();
            while (!job.waitFor(Duration.ofMillis(200)) && Instant.now().isBefore(deadline)) {
                List<Long> jvms = Stream.concat(Stream.of(job.pid()), cluster.executorPids().stream()).toList();
                assertNoCommandLineHolds(secret, jvms);
                assertLoopbackOnly(jvms, "driver or executor");
                for (long executor : cluster.executorPids()) {
                    if (hasSecretInEnvironment(executor, secret)) {
                        executorsWithSecret.add(executor);
                    }
                }
            }
            SparkSubmitProcess.Result ok = job.await(JOB_TIMEOUT);
            assertEquals(0, ok.exitCode(), () -> "the job with the secret failed: " + ok.describe()
                    + "\nlogs in " + cluster.stateDir());
            assertTrue(Files.isRegularFile(out.resolve(MetadataIO.FILE_NAME)), "no metadata.json in " + out);
            assertFalse(cluster.executorsSeen().isEmpty(), "no executor JVM ran the job");
            assertFalse(executorsWithSecret.isEmpty(), "no executor had the secret in its environment (_SPARK_AUTH_SECRET),"
                    + " executors seen: " + cluster.executorsSeen());
            List<Path> executorDirs = cluster.executorDirs();
            assertFalse(executorDirs.isEmpty(), "the Worker's work dir has no app-*/<executor> directory");
            String launch = Files.readString(executorDirs.get(0).resolve("stderr"), StandardCharsets.UTF_8);
            for (String setting : List.of("-Dspark.authenticate=true", "-Dspark.network.crypto.enabled=true")) {
                assertTrue(launch.contains(setting), "the executor was launched without " + setting + ":\n" + launch);
            }
            assertFalse(launch.contains(secret), "the secret is in the executor's launch command");
            cluster.awaitNoExecutors(Duration.ofSeconds(60));

            // ---- without the secret (the plain conf/spark-defaults.conf): the Master refuses the driver -----
            int executorsBefore = cluster.executorsSeen().size();
            SparkSubmitProcess.Result refused = SparkSubmitProcess.builder(work, "without-secret")
                    .args(preprocess(cluster.masterUrl(), data, work.resolve("out-refused"))).run(JOB_TIMEOUT);
            assertNotEquals(0, refused.exitCode(), () -> "a submit without the secret ran: " + refused.describe());
            assertTrue(refused.stderr().contains("All masters are unresponsive"),
                    () -> "the driver without the secret failed, but not because the Master refused it: "
                            + refused.describe());
            assertEquals(executorsBefore, cluster.executorsSeen().size(), "an executor was launched without the secret");
            assertFalse(Files.exists(work.resolve("out-refused").resolve(MetadataIO.FILE_NAME)),
                    "the refused job wrote its output");
        }
    }

    /** conf/spark-auth-example.conf with a fresh secret, readable by its owner only. */
    private static Path authConf(Path work, String secret) throws Exception {
        String example = Files.readString(SharedData.repoRoot().resolve("conf/spark-auth-example.conf"));
        String conf = example.replaceFirst("(?m)^spark\\.authenticate\\.secret\\s+CHANGE-ME$",
                "spark.authenticate.secret " + secret);
        assertNotEquals(example, conf, "conf/spark-auth-example.conf has no 'spark.authenticate.secret CHANGE-ME' line");
        Path file = work.resolve("spark-auth.conf");
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        return Files.writeString(file, conf);
    }

    /** preprocess on the generated signs, 32 px, through the cluster; the driver on 127.0.0.1 too. */
    private static List<String> preprocess(String master, SyntheticSigns.Written data, Path output) {
        return List.of("--master", master,
                "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
                "--executor-memory", "1g",
                SparkSubmitProcess.appJar().toString(), "preprocess",
                "--format", "gtsrb",
                "--input", data.trainCsv().toString(),
                "--class-names", data.classNames().toString(),
                "--output", output.toString(),
                "--image-size", "32",
                "--partitions", "4");
    }

    private static void assertLoopbackOnly(List<Long> pids, String what) {
        for (long pid : pids) {
            for (ListeningSockets.Listener l : ListeningSockets.of(pid)) {
                assertTrue(l.loopback(), what + " " + pid + " listens on a non-loopback address: " + l);
            }
        }
    }

    /** True when the process's environment has {@code _SPARK_AUTH_SECRET=secret} (how a Worker hands it over). */
    private static boolean hasSecretInEnvironment(long pid, String secret) {
        try {
            String env = new String(Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "environ")),
                    StandardCharsets.UTF_8);
            return List.of(env.split("\0")).contains("_SPARK_AUTH_SECRET=" + secret);
        } catch (java.io.IOException gone) {
            return false;
        }
    }

    private static void assertNoCommandLineHolds(String secret, List<Long> pids) throws Exception {
        for (long pid : pids) {
            Path cmdline = Path.of("/proc", String.valueOf(pid), "cmdline");
            if (Files.exists(cmdline)) {
                String line;
                try {
                    line = new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8);
                } catch (java.nio.file.NoSuchFileException gone) {
                    continue;
                }
                assertFalse(line.contains(secret), "the secret is on the command line of process " + pid);
            }
        }
    }
}
