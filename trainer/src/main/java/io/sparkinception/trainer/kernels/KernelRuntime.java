package io.sparkinception.trainer.kernels;

import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds networks on the chosen kernels. DL4J decides whether a layer gets a oneDNN helper once, when the layer is
 * created, from the system property {@value #HELPERS_DISABLE} (M2.1's default: disabled). Every network of the
 * project is created through {@link #build}, which sets that property for the duration of the creation under a
 * JVM-wide lock, so networks on different kernels can live in one JVM (tests compare them side by side) and the
 * choice travels with the settings to every executor, whatever the cluster manager, without JVM flags.
 *
 * <p>Where oneDNN is unavailable (another OS or architecture, an ND4J binary built without it) a request for
 * {@link Kernels#ONEDNN} falls back to {@link Kernels#BUILTIN} with one warning per JVM.
 */
public final class KernelRuntime {
    /** DL4J M2.1's switch of all layer helpers (read by {@code HelperUtils.createHelper}; default true). */
    public static final String HELPERS_DISABLE = "org.eclipse.deeplearning4j.helpers.disable";

    private static final Logger LOG = LoggerFactory.getLogger(KernelRuntime.class);
    private static final Object LOCK = new Object();
    private static volatile Boolean available;
    private static volatile boolean warned;

    private KernelRuntime() {
    }

    /**
     * True when the loaded ND4J binary has oneDNN and DL4J's helper check accepts it (the check goes through the
     * {@code org.nd4j.nativeblas.Nd4jCpu} workaround class).
     */
    public static boolean oneDnnAvailable() {
        Boolean a = available;
        if (a == null) {
            boolean built;
            try {
                Nd4j.getExecutioner(); // loads the backend (and its native.ops setting) before NativeOpsHolder
                built = NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo().contains("HAVE_ONEDNN");
            } catch (Throwable t) {
                built = false;
            }
            a = built && BaseMKLDNNHelper.mklDnnEnabled();
            available = a;
        }
        return a;
    }

    /** The kernels a request gets on this JVM: oneDNN only where it is available (one warning per JVM otherwise). */
    public static Kernels effective(Kernels requested) {
        return effective(requested, requested == Kernels.ONEDNN && oneDnnAvailable(), LOG::warn);
    }

    /** The fallback rule as a pure function: {@code onednn} without oneDNN runs {@code builtin}, warning once. */
    static Kernels effective(Kernels requested, boolean oneDnnAvailable, Consumer<String> warn) {
        if (requested == Kernels.ONEDNN && !oneDnnAvailable) {
            if (!warned) {
                warned = true;
                warn.accept(String.format(Locale.ROOT, "kernels = onednn requested, but oneDNN is not available here (%s %s;"
                                + " an ND4J binary without oneDNN or another platform): running on DL4J's built-in kernels",
                        System.getProperty("os.name", "?").toLowerCase(Locale.ROOT), System.getProperty("os.arch", "?")));
            }
            return Kernels.BUILTIN;
        }
        return requested;
    }

    /** Test support: forget that the fallback warning was given. */
    static void resetWarning() {
        warned = false;
    }

    /**
     * Creates a network (or anything that creates DL4J layers: {@code ComputationGraph.init()}, a model restore) with
     * the layer helpers of {@code requested}'s effective kernels.
     */
    public static <T> T build(Kernels requested, Supplier<T> creator) {
        Kernels k = effective(requested);
        synchronized (LOCK) {
            String before = System.getProperty(HELPERS_DISABLE);
            System.setProperty(HELPERS_DISABLE, Boolean.toString(k != Kernels.ONEDNN));
            try {
                return creator.get();
            } finally {
                if (before == null) {
                    System.clearProperty(HELPERS_DISABLE);
                } else {
                    System.setProperty(HELPERS_DISABLE, before);
                }
            }
        }
    }
}
