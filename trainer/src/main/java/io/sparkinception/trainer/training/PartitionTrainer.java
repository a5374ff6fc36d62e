package io.sparkinception.trainer.training;

import io.sparkinception.trainer.training.data.PartitionExamples;
import java.io.Serializable;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The executor-side role: restores the broadcast state into a cached network, fits k minibatches of b examples
 * of its partition, and returns parameters and updater state. Deterministic: the result depends only on
 * (broadcast state, partition data, seed, round), so a retried task (a lost executor) returns the same bits.
 *
 * <p>Minibatches walk the partition as an endless sequence of epochs, each a seeded permutation of the
 * partition's examples: step {@code s} (the global iteration) takes positions {@code s*b .. s*b+b-1} of that
 * sequence. Each worker therefore sees every example of its partition once per epoch.
 */
public final class PartitionTrainer implements Serializable {
    /** Daemon threads of this JVM that assemble minibatches ahead of the fitting thread. */
    private static final java.util.concurrent.ExecutorService PREFETCH = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "minibatch-prefetch");
        t.setDaemon(true);
        return t;
    });

    private final WorkerSettings settings;

    public PartitionTrainer(WorkerSettings settings) {
        this.settings = settings;
    }

    public WorkerSettings settings() {
        return settings;
    }

    public WorkerResult train(int partition, Example[] data, RoundState state) {
        return train(partition, new ExampleArray(data), state);
    }

    public WorkerResult train(int partition, PartitionExamples data, RoundState state) {
        if (data.size() == 0) {
            throw new IllegalStateException("partition " + partition + " has no training examples; use fewer workers");
        }
        long t0 = System.nanoTime();
        ComputationGraph g = NetworkPool.borrow(settings.graphJson(), settings.kernels());
        MemoryCheck.verify(NetworkPool.key(settings.graphJson()) + "/" + settings.batchSize(),
                () -> MemoryCheck.estimateBytes(g.getConfiguration(), org.deeplearning4j.nn.conf.inputs.InputType.convolutional(
                        settings.inputSize(), settings.inputSize(), settings.channels()), settings.batchSize(),
                        g.numParams(), updaterState(g).length), Runtime.getRuntime().availableProcessors());
        try {
            restore(g, state);
            long t1 = System.nanoTime();
            double lossSum = 0;
            long examples = 0;
            int k = settings.averagingFrequency();
            int outputs = g.getNumOutputArrays();
            java.util.ArrayDeque<java.util.concurrent.Future<MultiDataSet>> ahead = new java.util.ArrayDeque<>();
            int next = 0;
            for (int j = 0; j < k; j++) {
                // Assemble (and augment) up to `prefetch` minibatches ahead while this one is fitted.
                while (next < k && (next == j || ahead.size() <= settings.prefetch())) {
                    long step = (long) state.iteration() + next;
                    ahead.add(settings.prefetch() == 0
                            ? java.util.concurrent.CompletableFuture.completedFuture(batch(partition, data, step, outputs))
                            : PREFETCH.submit(() -> batch(partition, data, step, outputs)));
                    next++;
                }
                MultiDataSet mds = await(ahead.poll());
                long step = (long) state.iteration() + j;
                Nd4j.getRandom().setSeed(Seeds.mix(settings.seed(), 1, partition, step));
                g.fit(mds);
                lossSum += g.score();
                examples += settings.batchSize();
            }
            long t2 = System.nanoTime();
            return new WorkerResult(partition, g.params().toFloatVector(), updaterState(g), lossSum, k, examples,
                    t2 - t1, t1 - t0);
        } finally {
            NetworkPool.release(settings.graphJson(), settings.kernels(), g);
        }
    }

    private static MultiDataSet await(java.util.concurrent.Future<MultiDataSet> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while assembling a minibatch", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("assembling a minibatch failed: " + e.getCause(), e.getCause());
        }
    }

    /** The minibatch of a global step: features NCHW and the labels, one copy per network output. */
    MultiDataSet batch(int partition, Example[] data, long step, int outputs) {
        return batch(partition, new ExampleArray(data), step, outputs);
    }

    MultiDataSet batch(int partition, PartitionExamples data, long step, int outputs) {
        int b = settings.batchSize();
        int c = settings.channels();
        int s = settings.imageSize();
        int in = settings.inputSize();
        int k = settings.numClasses();
        int per = c * s * s;
        int perInput = c * in * in;
        float[] features = new float[b * perInput];
        float[] labels = new float[b * k];
        int n = data.size();
        int[] perm = null;
        long permEpoch = -1;
        for (int i = 0; i < b; i++) {
            long pos = step * b + i;
            long epoch = pos / n;
            if (epoch != permEpoch) {
                perm = permutation(n, Seeds.mix(settings.seed(), 2, partition, epoch));
                permEpoch = epoch;
            }
            int e = perm[(int) (pos % n)];
            float[] chw = data.pixels(e);
            if (chw.length != per) {
                throw new IllegalStateException("example " + data.seq(e) + " has " + chw.length + " values, expected "
                        + c + "x" + s + "x" + s);
            }
            float[] x = Augmenter.apply(chw, c, s, in, settings.mean(), settings.scale(), settings.augmentation(),
                    new SplittableRandom(Seeds.mix(settings.seed(), 3, partition, pos)));
            System.arraycopy(x, 0, features, i * perInput, perInput);
            labels[i * k + data.label(e)] = 1f;
        }
        INDArray f = Nd4j.create(features, new long[] {b, c, in, in});
        INDArray l = Nd4j.create(labels, new long[] {b, k});
        INDArray[] ls = new INDArray[outputs];
        for (int o = 0; o < outputs; o++) {
            ls[o] = l;
        }
        return new MultiDataSet(new INDArray[] {f}, ls);
    }

    static int[] permutation(int n, long seed) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** Overwrites parameters, updater state and the schedule position of a (possibly reused) network. */
    static void restore(ComputationGraph g, RoundState state) {
        INDArray params = g.params();
        if (params.length() != state.params().length) {
            throw new IllegalStateException("broadcast has " + state.params().length + " parameters, network has " + params.length());
        }
        g.setParams(Nd4j.create(state.params(), params.shape()));
        INDArray view = updaterView(g);
        if (view != null && view.length() > 0) {
            if (view.length() != state.updaterState().length) {
                throw new IllegalStateException("broadcast has " + state.updaterState().length
                        + " updater values, network has " + view.length());
            }
            view.assign(Nd4j.create(state.updaterState(), view.shape()));
        }
        g.getConfiguration().setIterationCount(state.iteration());
        g.getConfiguration().setEpochCount(state.epoch());
    }

    static INDArray updaterView(ComputationGraph g) {
        ComputationGraphUpdater u = g.getUpdater(true);
        return u == null ? null : u.getStateViewArray();
    }

    static float[] updaterState(ComputationGraph g) {
        INDArray view = updaterView(g);
        return view == null ? new float[0] : view.toFloatVector();
    }
}
