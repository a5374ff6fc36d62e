package io.sparkinception.trainer.training;

import io.sparkinception.trainer.kernels.KernelReport;
import io.sparkinception.trainer.kernels.KernelRuntime;
import io.sparkinception.trainer.kernels.Kernels;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Networks built once per executor JVM and reused across rounds (dl4j-spark rebuilt them from JSON on every
 * split). Concurrent tasks of one executor each borrow their own instance; every round overwrites parameters
 * and updater state from the broadcast, so a reused network carries nothing over.
 *
 * <p>Only training replicas live here; inference networks (validation included) live in
 * {@link io.sparkinception.trainer.inference.NetworkCache}. Replicas stay apart because they carry updater state,
 * are never evicted while a run lasts (the cache is bounded), and the identity tests count what this pool builds.
 */
public final class NetworkPool {
    private static final Map<String, Queue<ComputationGraph>> POOLS = new ConcurrentHashMap<>();
    private static final AtomicInteger BUILT = new AtomicInteger();
    private static final java.util.Set<Kernels> REPORTED = ConcurrentHashMap.newKeySet();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(NetworkPool.class);

    private NetworkPool() {
    }

    /** A network of this configuration on these kernels (built on first use in this JVM, then reused). */
    public static ComputationGraph borrow(String graphJson, Kernels kernels) {
        ComputationGraph g = POOLS.computeIfAbsent(key(graphJson, kernels), k -> new ConcurrentLinkedQueue<>()).poll();
        if (g == null) {
            g = KernelRuntime.build(kernels, () -> {
                ComputationGraph n = new ComputationGraph(ComputationGraphConfiguration.fromJson(graphJson));
                n.init();
                return n;
            });
            BUILT.incrementAndGet();
            if (REPORTED.add(kernels)) {
                LOG.info("kernels of this JVM's {} networks: {}", kernels, KernelReport.of(g, kernels).summary());
            }
        }
        return g;
    }

    public static void release(String graphJson, Kernels kernels, ComputationGraph g) {
        POOLS.computeIfAbsent(key(graphJson, kernels), k -> new ConcurrentLinkedQueue<>()).add(g);
    }

    private static String key(String json, Kernels kernels) {
        return key(json) + "/" + kernels.id();
    }

    /** Networks built in this JVM so far (tests check that rounds reuse them). */
    public static int built() {
        return BUILT.get();
    }

    static String key(String json) {
        return DistributedTrainer.sha256(json.getBytes(StandardCharsets.UTF_8));
    }
}
