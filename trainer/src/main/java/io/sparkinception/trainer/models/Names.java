package io.sparkinception.trainer.models;

/**
 * The one place vertex names are made, in TF-slim's scheme.
 *
 * <p>A position is slim's "{@code <stage><letter>}" (stage number, then the layer's order inside the stage or branch,
 * e.g. {@code 1a}, {@code 0b}). Parallel layers at the same depth of a branch share the letter and differ by kernel
 * ({@code Conv2d_0b_1x3} and {@code Conv2d_0b_3x1}). Kernels in names are the kernels actually used, so a kernel
 * reduced for a small input shows in the name.
 */
final class Names {

    /** The graph's only input. */
    static final String INPUT = "input";
    /** The main classifier's output layer. */
    static final String LOGITS = "Logits";
    /** The auxiliary classifier's output layer (families with one auxiliary head). */
    static final String AUX_LOGITS = "AuxLogits";

    /** The convolution of a conv_bn unit; its fused batch norm + ReLU carries the unit's name. */
    static final String CONV_OP = "Conv2D";
    /** Sub-vertices of heads and residual blocks. */
    static final String GLOBAL_POOL = "GlobalPool";
    static final String DROPOUT = "Dropout";
    static final String CONCAT = "Concat";
    static final String SCALE = "Scale";
    static final String ADD = "Add";
    /** The 1x1 linear projection that brings a residual branch back to the block's width (slim's name). */
    static final String RESIDUAL_UP = "Conv2d_1x1";

    private Names() {
    }

    /** {@code scope/name}, or {@code name} at the top level (empty scope). */
    static String join(String scope, String name) {
        return scope.isEmpty() ? name : scope + "/" + name;
    }

    static String conv(String position, int kernelHeight, int kernelWidth) {
        return "Conv2d_" + position + "_" + kernelHeight + "x" + kernelWidth;
    }

    static String maxPool(String position, int kernel) {
        return "MaxPool_" + position + "_" + kernel + "x" + kernel;
    }

    static String avgPool(String position, int kernel) {
        return "AvgPool_" + position + "_" + kernel + "x" + kernel;
    }

    static String mixed(String position) {
        return "Mixed_" + position;
    }

    static String branch(int index) {
        return "Branch_" + index;
    }

    /** A fully connected layer (GoogLeNet's auxiliary heads). */
    static String fullyConnected(String position) {
        return "Fc_" + position;
    }

    /** A residual block: {@code Block35_1} ... (Keras' {@code block35_1}, capitalized like slim's scopes). */
    static String block(String type, int index) {
        return type + "_" + index;
    }

    /** A local response normalization after the layer at {@code position} (GoogLeNet without batch norm only). */
    static String lrn(String position) {
        return "LRN_" + position;
    }

    /** {@code scope/Branch_i}. */
    static String branch(String scope, int index) {
        return join(scope, branch(index));
    }
}
