package io.sparkinception.trainer.training;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.memory.MemoryUseMode;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Fails with a clear message, instead of an OOM kill by the cluster manager, when a worker's model and
 * minibatch cannot fit the off-heap memory JavaCPP allows this JVM ({@code org.bytedeco.javacpp.maxphysicalbytes},
 * by default {@code maxbytes} plus three heaps, i.e. four times the heap). The estimate is DL4J's own memory report
 * for training at the worker's batch size, plus the parameters and updater state the worker receives and returns.
 */
public final class MemoryCheck {
    private static final Set<String> CHECKED = ConcurrentHashMap.newKeySet();

    private MemoryCheck() {
    }

    /** Estimated bytes one worker needs off-heap for training. */
    public static long estimateBytes(ComputationGraphConfiguration conf, InputType input, int batchSize, long params,
                                     long updaterState) {
        long report = conf.getMemoryReport(input).getTotalMemoryBytes(batchSize, MemoryUseMode.TRAINING, CacheMode.NONE,
                DataType.FLOAT);
        return report + 4L * (2 * params + 2 * updaterState);
    }

    /** Checks once per JVM and configuration; throws {@link IllegalStateException} when it cannot fit. */
    public static void verify(String key, java.util.function.LongSupplier estimate, int concurrentWorkers) {
        if (!CHECKED.add(key)) {
            return;
        }
        long max = Pointer.maxPhysicalBytes();
        if (max <= 0) {
            return;
        }
        long need = estimate.getAsLong() * Math.max(1, concurrentWorkers);
        long used = Pointer.physicalBytes();
        if (used + need > max) {
            CHECKED.remove(key);
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "not enough memory for training: %d worker(s) in this JVM need about %.2f GB off-heap (model, activations"
                            + " and gradients at this batch size) but only %.2f GB of the %.2f GB JavaCPP limit is free."
                            + " Lower batch-size-per-worker or width, run fewer tasks per executor, or raise the executor's"
                            + " memory (spark.executor.memoryOverhead and -Dorg.bytedeco.javacpp.maxphysicalbytes in"
                            + " spark.executor.extraJavaOptions)",
                    concurrentWorkers, need / 1e9, (max - used) / 1e9, max / 1e9));
        }
    }
}
