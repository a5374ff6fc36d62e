package io.sparkinception.trainer.inference;

import io.sparkinception.trainer.kernels.KernelRuntime;
import io.sparkinception.trainer.kernels.Kernels;
import io.sparkinception.trainer.models.SafeModelLoader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * The inference networks of one executor JVM, restored once and reused by later partitions, later jobs and later
 * {@code transform} calls: training-time validation, {@code evaluate}, {@code predict} and the Spark ML model all
 * borrow here. A network is keyed by the SHA-256 of its serialized model (or, for validation, of its graph JSON,
 * whose parameters the borrower overwrites) plus the kernels; it is not thread-safe, so concurrent tasks each
 * borrow their own instance and return it with {@link Lease#close()}.
 *
 * <p>Bounded: the idle networks of at most {@link #MAX_MODELS} keys are kept, the least recently used key's dropped
 * first (an ensemble of five members evaluated after a training run fits; a long-lived session that scores many
 * models does not grow without bound). A network on loan is never dropped.
 *
 * <p>Training replicas stay in {@code training.NetworkPool}: they carry updater state, are built and their memory
 * checked per (graph, batch size) by the partition trainer, and the parameter-averaging identity tests count the
 * networks that pool builds; merging them here would tie those guarantees to an evictable cache.
 */
public final class NetworkCache {
    /** Keys (model x kernels) whose idle networks one JVM keeps. */
    public static final int MAX_MODELS = 8;

    /** Idle networks per key, in access order (guarded by itself). */
    private static final LinkedHashMap<String, Deque<ComputationGraph>> IDLE = new LinkedHashMap<>(16, 0.75f, true);
    private static final AtomicInteger LOADED = new AtomicInteger();

    private NetworkCache() {
    }

    /** A borrowed network; {@link #close()} returns it to the cache (once, however often it is called). */
    public static final class Lease implements AutoCloseable {
        private final String key;
        private ComputationGraph graph;

        private Lease(String key, ComputationGraph graph) {
            this.key = key;
            this.graph = graph;
        }

        public ComputationGraph graph() {
            if (graph == null) {
                throw new IllegalStateException("this network was returned to the cache");
            }
            return graph;
        }

        @Override
        public void close() {
            if (graph != null) {
                release(key, graph);
                graph = null;
            }
        }
    }

    /** The key of a serialized model: SHA-256 of its bytes, in hex (computed once, on the driver). */
    public static String key(byte[] modelBytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(modelBytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A network of the serialized model whose {@link #key} is {@code key}, restored only when none is idle. */
    public static Lease borrow(String key, byte[] modelBytes, Kernels kernels) {
        return borrow("model:" + key + "/" + kernels.id(), () -> SafeModelLoader.restore(modelBytes, false, kernels));
    }

    /**
     * A network of a graph configuration (JSON) with whatever parameters its last borrower left: the borrower sets
     * the parameters it scores with (validation scores broadcast parameters).
     */
    public static Lease borrowGraph(String graphJson, Kernels kernels) {
        String key = "graph:" + key(graphJson.getBytes(StandardCharsets.UTF_8)) + "/" + kernels.id();
        return borrow(key, () -> KernelRuntime.build(kernels, () -> {
            ComputationGraph g = new ComputationGraph(ComputationGraphConfiguration.fromJson(graphJson));
            g.init();
            return g;
        }));
    }

    /** A fresh network from ModelSerializer bytes (without updater state), through {@link SafeModelLoader}; not cached. */
    public static ComputationGraph restore(byte[] modelBytes) {
        return SafeModelLoader.restore(modelBytes, false);
    }

    /** Networks restored or built in this JVM so far (tests check that partitions and jobs reuse them). */
    public static int loaded() {
        return LOADED.get();
    }

    /** Keys with idle networks now (at most {@link #MAX_MODELS}). */
    public static int cachedModels() {
        synchronized (IDLE) {
            return IDLE.size();
        }
    }

    private static Lease borrow(String key, Supplier<ComputationGraph> load) {
        ComputationGraph g;
        synchronized (IDLE) {
            Deque<ComputationGraph> idle = IDLE.get(key);
            g = idle == null ? null : idle.poll();
        }
        if (g == null) {
            g = load.get();
            LOADED.incrementAndGet();
        }
        return new Lease(key, g);
    }

    private static void release(String key, ComputationGraph g) {
        synchronized (IDLE) {
            IDLE.computeIfAbsent(key, k -> new ArrayDeque<>()).push(g);
            var it = IDLE.entrySet().iterator();
            while (IDLE.size() > MAX_MODELS && it.hasNext()) {
                Map.Entry<String, Deque<ComputationGraph>> eldest = it.next();
                if (!eldest.getKey().equals(key)) {
                    it.remove();
                }
            }
        }
    }
}
