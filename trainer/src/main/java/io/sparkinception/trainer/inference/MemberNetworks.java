package io.sparkinception.trainer.inference;

import io.sparkinception.trainer.kernels.Kernels;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.util.TaskCompletionListener;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * The members' networks of one task, borrowed from {@link NetworkCache} on first use and returned once: when the
 * task's iterator is exhausted ({@link #close()}) or, should it stop early, when the Spark task completes. For the
 * lazy iterators of {@code predict} and the Spark ML model, which outlive the method that creates them.
 */
public final class MemberNetworks implements AutoCloseable {
    private final List<String> keys;
    private final List<byte[]> models;
    private final Kernels kernels;
    private List<NetworkCache.Lease> leases;

    private MemberNetworks(List<String> keys, List<byte[]> models, Kernels kernels) {
        if (keys.size() != models.size()) {
            throw new IllegalArgumentException(keys.size() + " model keys for " + models.size() + " models");
        }
        this.keys = keys;
        this.models = models;
        this.kernels = kernels;
    }

    /** The members ({@link NetworkCache#key}s and bytes), returned at the end of the current Spark task if any. */
    public static MemberNetworks of(List<String> keys, List<byte[]> models, Kernels kernels) {
        MemberNetworks m = new MemberNetworks(keys, models, kernels);
        TaskContext task = TaskContext.get();
        if (task != null) {
            task.addTaskCompletionListener((TaskCompletionListener) ctx -> m.close());
        }
        return m;
    }

    /** The members' networks, borrowed on the first call. */
    public synchronized List<ComputationGraph> graphs() {
        if (leases == null) {
            leases = new ArrayList<>(models.size());
            for (int i = 0; i < models.size(); i++) {
                leases.add(NetworkCache.borrow(keys.get(i), models.get(i), kernels));
            }
        }
        return leases.stream().map(NetworkCache.Lease::graph).toList();
    }

    /** Returns the networks to the cache (idempotent; a later {@link #graphs()} borrows again). */
    @Override
    public synchronized void close() {
        if (leases != null) {
            leases.forEach(NetworkCache.Lease::close);
            leases = null;
        }
    }
}
