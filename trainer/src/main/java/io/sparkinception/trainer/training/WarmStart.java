package io.sparkinception.trainer.training;

import io.sparkinception.common.HadoopFiles;
import io.sparkinception.trainer.models.ModelReports;
import io.sparkinception.trainer.models.SafeModelLoader;
import io.sparkinception.trainer.models.Widening;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeSet;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code init-model}: a run that starts from the parameters of an earlier run's model instead of a fresh
 * initialization (a warm start, or fine-tuning on the same classes). Every parameter, the batch-norm statistics
 * included, is copied by name; the optimizer state and the learning-rate schedule start fresh. The file is read
 * through {@link SafeModelLoader} (a user's file is hostile) and must hold the parameters of the network being trained,
 * name for name: shape for shape, or a narrower model of the same network (a smaller width), which is widened so that
 * the wider network starts computing exactly the model's outputs ({@link Widening}). Anything else is refused with the
 * first difference named.
 */
public final class WarmStart {
    /**
     * A model file larger than this is not one of ours: Inception-ResNet-v2 at full width, the largest family, has
     * 56 M parameters, 0.7 GB with Adam's two moments in the file.
     */
    static final long MAX_MODEL_BYTES = 1L << 30;

    private WarmStart() {
    }

    /** Reads {@code path} and copies its parameters into {@code g}; returns a one-line description for the log. */
    public static String apply(HadoopFiles files, String path, ComputationGraph g) throws IOException {
        ComputationGraph from = SafeModelLoader.restore(path, read(files, path), false);
        boolean widened = copy(path, from, g);
        return widened
                ? String.format(java.util.Locale.ROOT, "parameters of %s widened from %,d to %,d (the wider network starts"
                        + " with the model's outputs; optimizer state and schedule fresh)", path, from.numParams(), g.numParams())
                : String.format(java.util.Locale.ROOT, "parameters of %s (%,d, optimizer state and schedule fresh)", path,
                g.numParams());
    }

    /**
     * The checks before any Spark job: {@code path} exists, is a sound model file ({@link SafeModelLoader#validate})
     * and holds at most as many parameters as the configured network {@code conf} (fewer: a narrower model, to be
     * widened). Names and shapes are checked when the parameters are copied.
     */
    public static void check(HadoopFiles files, String path,
                             org.deeplearning4j.nn.conf.ComputationGraphConfiguration conf) throws IOException {
        SafeModelLoader.Contents c = SafeModelLoader.validate(path, read(files, path));
        long expected = ModelReports.countParameters(conf).total();
        if (c.parameters() > expected) {
            throw new IllegalArgumentException("--init-model " + path + " is not a model of this network (family, width,"
                    + " min-filters, aux-heads, classes and input must match): it has " + String.format(
                    java.util.Locale.ROOT, "%,d parameters, this network %,d", c.parameters(), expected));
        }
    }

    /** The file's bytes: refused if it is missing or larger than any model of ours. */
    private static byte[] read(HadoopFiles files, String path) throws IOException {
        if (!files.exists(path)) {
            throw new IllegalArgumentException("--init-model " + path + " does not exist");
        }
        try {
            return files.readBytes(path, MAX_MODEL_BYTES);
        } catch (HadoopFiles.TooLongException e) {
            throw new IllegalArgumentException("--init-model " + path + " is larger than " + (MAX_MODEL_BYTES >> 20)
                    + " MB: not a model file of this project", e);
        }
    }

    /**
     * Copies every parameter of {@code from} into {@code to}: as they are when every shape is equal, widened when
     * {@code from} is narrower in some ({@link Widening}); any other difference in names or shapes is refused.
     *
     * @return whether the parameters were widened
     */
    static boolean copy(String path, ComputationGraph from, ComputationGraph to) {
        Map<String, INDArray> source = from.paramTable();
        Map<String, INDArray> target = to.paramTable();
        TreeSet<String> missing = new TreeSet<>(target.keySet());
        missing.removeAll(source.keySet());
        TreeSet<String> extra = new TreeSet<>(source.keySet());
        extra.removeAll(target.keySet());
        if (!missing.isEmpty() || !extra.isEmpty()) {
            throw new IllegalArgumentException("--init-model " + path + " is not a model of this network (family, width,"
                    + " min-filters, aux-heads, classes and input must match): "
                    + (missing.isEmpty() ? "" : missing.size() + " parameter(s) missing, e.g. " + missing.first())
                    + (!missing.isEmpty() && !extra.isEmpty() ? "; " : "")
                    + (extra.isEmpty() ? "" : extra.size() + " unknown, e.g. " + extra.first()));
        }
        boolean narrower = false;
        for (Map.Entry<String, INDArray> e : target.entrySet()) {
            long[] want = e.getValue().shape();
            long[] have = source.get(e.getKey()).shape();
            if (!Arrays.equals(want, have)) {
                boolean fits = want.length == have.length;
                for (int i = 0; fits && i < want.length; i++) {
                    fits = have[i] <= want[i];
                }
                if (!fits) {
                    throw new IllegalArgumentException("--init-model " + path + " is not a model of this network (family,"
                            + " width, min-filters, aux-heads, classes and input must match; a narrower width is"
                            + " widened): parameter " + e.getKey() + " has shape " + Arrays.toString(have)
                            + ", this network's " + Arrays.toString(want));
                }
                narrower = true;
            }
        }
        if (narrower) {
            try {
                Widening.copy(from, to);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--init-model " + path + " is narrower than this network but cannot be"
                        + " widened into it: " + e.getMessage(), e);
            }
            return true;
        }
        for (Map.Entry<String, INDArray> e : target.entrySet()) {
            e.getValue().assign(source.get(e.getKey()).castTo(e.getValue().dataType()));
        }
        return false;
    }
}
