package io.sparkinception.trainer.distributed;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
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
 */
public final class NetworkPool {
    private static final Map<String, Queue<ComputationGraph>> POOLS = new ConcurrentHashMap<>();
    private static final AtomicInteger BUILT = new AtomicInteger();

    private NetworkPool() {
    }

    public static ComputationGraph borrow(String graphJson) {
        ComputationGraph g = POOLS.computeIfAbsent(key(graphJson), k -> new ConcurrentLinkedQueue<>()).poll();
        if (g == null) {
            g = new ComputationGraph(ComputationGraphConfiguration.fromJson(graphJson));
            g.init();
            BUILT.incrementAndGet();
        }
        return g;
    }

    public static void release(String graphJson, ComputationGraph g) {
        POOLS.computeIfAbsent(key(graphJson), k -> new ConcurrentLinkedQueue<>()).add(g);
    }

    /** Networks built in this JVM so far (tests check that rounds reuse them). */
    public static int built() {
        return BUILT.get();
    }

    static String key(String json) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
