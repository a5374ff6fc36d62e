package io.sparkinception.jobs.cluster;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;

/**
 * An in-process YARN for integration tests: Hadoop's {@link MiniYARNCluster} (a ResourceManager and NodeManagers in
 * this JVM; the containers they launch are processes of their own, started by the NodeManagers' default container
 * executor through {@code launch_container.sh}), and a {@code HADOOP_CONF_DIR} whose {@code yarn-site.xml} points
 * at it, for {@code bin/spark-submit --master yarn}. The file system is the local one ({@code file:///}): every
 * container runs on this machine.
 *
 * <pre>{@code
 * try (YarnCluster yarn = YarnCluster.start("yarn-it", 2, 3072)) {
 *     SparkSubmitProcess.builder(logDir, "job").env("HADOOP_CONF_DIR", yarn.confDir().toString())
 *             .args("--master", "yarn", ...).run(timeout);
 *     yarn.containerLogDirs(appId);
 * }
 * }</pre>
 */
public final class YarnCluster implements AutoCloseable {
    /** The main class in the command line of every executor container of Spark on YARN. */
    public static final String EXECUTOR_CLASS = "org.apache.spark.executor.YarnCoarseGrainedExecutorBackend";

    private final MiniYARNCluster yarn;
    private final Path confDir;

    private YarnCluster(MiniYARNCluster yarn, Path confDir) {
        this.yarn = yarn;
        this.confDir = confDir;
    }

    /**
     * Starts a ResourceManager and {@code nodeManagers} NodeManagers offering {@code memoryMbPerNode} MB and 2
     * vcores each, under {@code target/NAME} of the working directory, and writes {@code NAME-conf/yarn-site.xml}
     * beside it. The physical-memory check of the NodeManagers stays on (a container that outgrows its size is
     * killed, as on a real cluster); the virtual-memory check is off (JVMs reserve far more address space than they
     * use, and most clusters turn it off).
     */
    public static YarnCluster start(String name, int nodeManagers, int memoryMbPerNode) {
        YarnConfiguration conf = new YarnConfiguration();
        // MiniYARNCluster sets each NodeManager's memory from this key (default 4096), not from NM_PMEM_MB.
        conf.setInt("yarn.minicluster.yarn.nodemanager.resource.memory-mb", memoryMbPerNode);
        // Without this MiniYARNCluster turns the NodeManagers' container monitor (and with it the memory check) off.
        conf.setBoolean("yarn.minicluster.control-resource-monitoring", true);
        conf.setInt(YarnConfiguration.NM_VCORES, 2);
        conf.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 256);
        conf.setInt(YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_MB, memoryMbPerNode);
        conf.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, true);
        conf.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
        // A shared build machine's disk may be fuller than the default 90 %: the NodeManager would then be unhealthy.
        conf.setFloat(YarnConfiguration.NM_MAX_PER_DISK_UTILIZATION_PERCENTAGE, 99.5f);
        // The CapacityScheduler (YARN's default) with one queue; its capacity-scheduler.xml is not on our classpath.
        conf.set("yarn.scheduler.capacity.root.queues", "default");
        conf.set("yarn.scheduler.capacity.root.default.capacity", "100");
        conf.set("yarn.scheduler.capacity.maximum-am-resource-percent", "0.5");
        conf.set("fs.defaultFS", "file:///");
        MiniYARNCluster yarn = new MiniYARNCluster(name, nodeManagers, 1, 1);
        yarn.init(conf);
        yarn.start();
        try {
            Path confDir = Files.createDirectories(yarn.getTestWorkDir().toPath().resolveSibling(name + "-conf"));
            // After start() the configuration holds the ports the ResourceManager really bound.
            try (OutputStream out = Files.newOutputStream(confDir.resolve("yarn-site.xml"))) {
                yarn.getConfig().writeXml(out);
            }
            return new YarnCluster(yarn, confDir);
        } catch (IOException | RuntimeException e) {
            yarn.stop();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    /** The directory to pass as {@code HADOOP_CONF_DIR} (and {@code YARN_CONF_DIR}) to {@code bin/spark-submit}. */
    public Path confDir() {
        return confDir;
    }

    /** The cluster's root: the NodeManagers' local and log dirs are below it. */
    public Path workDir() {
        return yarn.getTestWorkDir().toPath();
    }

    /** The ids of the applications the ResourceManager knows, in submission order. */
    public List<String> applications() {
        return yarn.getResourceManager().getRMContext().getRMApps().keySet().stream().sorted()
                .map(Object::toString).toList();
    }

    /** The application's final status as its ApplicationMaster reported it (UNDEFINED while it runs, after a minute). */
    public FinalApplicationStatus finalStatus(String appId) throws InterruptedException {
        // The ApplicationMaster unregisters asynchronously: spark-submit's client can exit before the ResourceManager
        // has processed it, and until then the status reads UNDEFINED. Wait for it (at most a minute).
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        FinalApplicationStatus status;
        while ((status = yarn.getResourceManager().getRMContext().getRMApps().get(ApplicationId.fromString(appId))
                .getFinalApplicationStatus()) == FinalApplicationStatus.UNDEFINED && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        return status;
    }

    /** The NodeManagers' log directories of the containers of application {@code appId} (one per container). */
    public List<Path> containerLogDirs(String appId) throws IOException {
        try (Stream<Path> paths = Files.walk(workDir())) {
            return paths.filter(Files::isDirectory)
                    .filter(p -> p.getFileName().toString().startsWith("container_"))
                    .filter(p -> p.getParent().getFileName().toString().equals(appId))
                    .filter(p -> p.toString().contains("-logDir-"))
                    .sorted().toList();
        }
    }

    /**
     * The executor JVMs of application {@code appId} running in this machine's containers now (the JVMs only, not
     * the {@code bash -c} of launch_container.sh that started them).
     */
    public static List<ProcessHandle> executorProcesses(String appId) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .filter(p -> p.info().commandLine().map(c -> c.contains(EXECUTOR_CLASS) && c.contains(appId))
                        .orElse(false))
                .toList();
    }

    /** The live executor JVMs of {@code appId} whose working directory could be read, pid to that directory. */
    public static Map<Long, Path> executorDirectories(String appId) {
        Map<Long, Path> dirs = new LinkedHashMap<>();
        for (ProcessHandle p : executorProcesses(appId)) {
            workingDirectory(p).ifPresent(dir -> dirs.put(p.pid(), dir));
        }
        return dirs;
    }

    /** The working directory of a live process (Linux {@code /proc/PID/cwd}): a container's is below the NodeManager. */
    public static Optional<Path> workingDirectory(ProcessHandle process) {
        try {
            return Optional.of(Files.readSymbolicLink(Path.of("/proc", Long.toString(process.pid()), "cwd")));
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        yarn.stop();
    }
}
