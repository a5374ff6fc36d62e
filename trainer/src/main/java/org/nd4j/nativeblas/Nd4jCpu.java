package org.nd4j.nativeblas;

/**
 * Workaround for a DL4J 1.0.0-M2.1 defect, and nothing else: the only class of this project in an ND4J package.
 *
 * <p>{@code org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper.mklDnnEnabled()} decides whether DL4J's oneDNN
 * layer helpers ({@code MKLDNNConvHelper}, {@code MKLDNNBatchNormHelper}, {@code MKLDNNSubsamplingHelper},
 * {@code MKLDNNLocalResponseNormalizationHelper}) may be used by looking up, by reflection,
 * {@code org.nd4j.nativeblas.Nd4jCpu$Environment#getInstance()} and {@code #isUseMKLDNN()}. ND4J M2.1 moved that
 * class to {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment} and renamed the method
 * {@code isUseONEDNN()}. The lookup throws, the check answers false for the rest of the JVM's life, and every helper
 * is removed as "not supported", so DL4J trains on its built-in im2col + GEMM kernels even with a oneDNN binary.
 *
 * <p>This class answers the old lookup by delegating to the new one, and answers true only when the loaded
 * libnd4j was built with oneDNN ({@code HAVE_ONEDNN} in its build info): with a binary without oneDNN the helpers
 * stay off, as they should. It must be loaded by the class loader that loads DL4J (it is in the same jar).
 * When a DL4J release fixes the lookup, deleting this file is the whole upgrade ({@code KernelsTest} then still
 * proves the helpers attach).
 */
public final class Nd4jCpu {
    private Nd4jCpu() {
    }

    /** The old-named environment DL4J M2.1 looks for. */
    public static final class Environment {
        private static final Environment INSTANCE = new Environment();

        private Environment() {
        }

        public static Environment getInstance() {
            return INSTANCE;
        }

        /** True when the loaded libnd4j has oneDNN and ND4J's environment allows it. */
        public boolean isUseMKLDNN() {
            return org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment.getInstance().isUseONEDNN()
                    && NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo().contains("HAVE_ONEDNN");
        }
    }
}
