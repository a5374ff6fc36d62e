package io.sparkinception.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Test helpers of the driver-kill ITs: SIGKILL a spark-submit process tree, wait for its executors to go. */
final class DriverKill {
    private DriverKill() {
    }

    /**
     * SIGKILLs the driver JVM (bin/spark-submit execs it) and every descendant, as {@code kill -9} of the whole tree
     * would, and waits until none of them runs.
     */
    static void killTree(SparkSubmitProcess job) {
        ProcessHandle driver = ProcessHandle.of(job.pid()).orElseThrow(() -> new AssertionError("the driver is gone"));
        List<ProcessHandle> tree = driver.descendants().toList();
        driver.destroyForcibly();
        tree.forEach(ProcessHandle::destroyForcibly);
        job.waitFor(Duration.ofSeconds(30));
        assertFalse(job.isAlive(), "the driver " + job.pid() + " still runs after SIGKILL");
        Instant deadline = Instant.now().plusSeconds(30);
        while (tree.stream().anyMatch(ProcessHandle::isAlive) && Instant.now().isBefore(deadline)) {
            job.waitFor(Duration.ofMillis(100));
        }
        assertFalse(tree.stream().anyMatch(ProcessHandle::isAlive), "a child of the driver survived SIGKILL: " + tree);
    }

    /** Waits until the cluster runs no executor JVM (the Master ends those of a dead driver's application). */
    static void awaitNoExecutors(StandaloneCluster cluster, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!cluster.executorPids().isEmpty()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("executors " + cluster.executorPids() + " still run " + timeout
                        + " after their driver was killed");
            }
            Thread.sleep(200);
        }
    }
}
