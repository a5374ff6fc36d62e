package io.sparkinception.trainer.inference;

import io.sparkinception.trainer.kernels.Kernels;
import io.sparkinception.trainer.models.SafeModelLoader;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Inference networks restored once per executor JVM and reused by later partitions and later
 * {@code transform} calls (the trainer's {@code NetworkPool}, keyed by the SHA-256 of the serialized model).
 * A network is not thread-safe: concurrent tasks each borrow their own instance.
 */
public final class InferenceNetworks {
    private static final Map<String, Queue<ComputationGraph>> POOLS = new ConcurrentHashMap<>();
    private static final AtomicInteger RESTORED = new AtomicInteger();

    private InferenceNetworks() {
    }

    /** The key of a serialized network: SHA-256 of its bytes, in hex. */
    public static String key(byte[] modelBytes) {
        return io.sparkinception.trainer.training.DistributedTrainer.sha256(modelBytes);
    }

    /** A network for {@code key}, restored from {@code modelBytes} only when no idle one is cached. */
    public static ComputationGraph borrow(String key, byte[] modelBytes, Kernels kernels) {
        ComputationGraph g = POOLS.computeIfAbsent(key + "/" + kernels.id(), k -> new ConcurrentLinkedQueue<>()).poll();
        if (g == null) {
            g = SafeModelLoader.restore(modelBytes, false, kernels);
            RESTORED.incrementAndGet();
        }
        return g;
    }

    public static void release(String key, Kernels kernels, ComputationGraph g) {
        POOLS.computeIfAbsent(key + "/" + kernels.id(), k -> new ConcurrentLinkedQueue<>()).add(g);
    }

    /** Networks restored in this JVM so far (tests check that partitions reuse them). */
    public static int restored() {
        return RESTORED.get();
    }

    /** A fresh network from ModelSerializer bytes (without updater state), through {@link SafeModelLoader}. */
    public static ComputationGraph restore(byte[] modelBytes) {
        return SafeModelLoader.restore(modelBytes, false);
    }
}
