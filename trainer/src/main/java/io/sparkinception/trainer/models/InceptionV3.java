package io.sparkinception.trainer.models;

import static io.sparkinception.trainer.models.Names.branch;

import io.sparkinception.trainer.models.GraphAssembler.Node;
import io.sparkinception.trainer.models.GraphAssembler.Padding;

/**
 * {@code inception-v3} (Szegedy et al., "Rethinking the Inception Architecture", 2016) in the layout of slim's
 * {@code inception_v3} and torchvision's {@code inception_v3}: factorized 7x7 stem, three 35x35 modules, an efficient
 * grid reduction (stride-2 convolutions beside stride-2 pooling), four 17x17 modules with 1x7/7x1 factorization, a
 * second reduction, two 8x8 modules with expanded 1x3/3x1 filter banks, and one batch-normalized auxiliary head on
 * the last 17x17 module.
 *
 * <p>Padding is VALID where slim's is (stem and reductions), so 75 px is the smallest input: 75, 37, 35, 17, 15, 7, 3,
 * 1. At 299 px the grids are the paper's 35, 17, 8.
 */
public final class InceptionV3 implements InceptionNet {

    /** Dropout 0.2: slim's {@code dropout_keep_prob=0.8}. Aux loss weight 0.4: slim's training script. */
    private static final FamilyDefaults DEFAULTS = new FamilyDefaults(299, 75, TrainingRecipe.RMSPROP, 0.2, 0.0, 0.4);

    @Override
    public ZooGraph configure(ModelSpec spec) {
        Families.requireFamily(spec, ModelFamily.INCEPTION_V3);
        GraphAssembler a = new GraphAssembler(spec);
        Node x = stem(a);

        x = a.endpoint(module35(a, "5b", x, 64, 32));
        x = a.endpoint(module35(a, "5c", x, 64, 64));
        x = a.endpoint(module35(a, "5d", x, 64, 64));
        x = a.endpoint(reduction35(a, "6a", x));
        x = a.endpoint(module17(a, "6b", x, 128));
        x = a.endpoint(module17(a, "6c", x, 160));
        x = a.endpoint(module17(a, "6d", x, 160));
        x = a.endpoint(module17(a, "6e", x, 192));
        if (spec.auxHeads()) {
            a.factorizedAuxHead(x);
        }
        x = a.endpoint(reduction17(a, "7a", x));
        x = a.endpoint(module8(a, "7b", x));
        x = a.endpoint(module8(a, "7c", x));
        a.logits(x);
        return a.build();
    }

    @Override
    public FamilyDefaults defaults() {
        return DEFAULTS;
    }

    /**
     * 35x35 module (torchvision's InceptionA): 1x1; 1x1-5x5; 1x1-3x3-3x3; avg pool-1x1. Inception-ResNet-v2's
     * Mixed_5b is the same module with a wider first branch.
     */
    static Node module35(GraphAssembler a, String position, Node in, int branch0, int poolFeatures) {
        String s = Names.mixed(position);
        Node b0 = a.conv(branch(s, 0), "0a", in, branch0, 1);
        Node b1 = a.conv(branch(s, 1), "0a", in, 48, 1);
        b1 = a.conv(branch(s, 1), "0b", b1, 64, 5);
        Node b2 = a.conv(branch(s, 2), "0a", in, 64, 1);
        b2 = a.conv(branch(s, 2), "0b", b2, 96, 3);
        b2 = a.conv(branch(s, 2), "0c", b2, 96, 3);
        Node b3 = a.avgPool(branch(s, 3), "0a", in, 3, 1, Padding.SAME);
        b3 = a.conv(branch(s, 3), "0b", b3, poolFeatures, 1);
        return a.concat(s, b0, b1, b2, b3);
    }

    /** 35x35 to 17x17 reduction (torchvision's InceptionB). */
    private static Node reduction35(GraphAssembler a, String position, Node in) {
        String s = Names.mixed(position);
        Node b0 = a.conv(branch(s, 0), "1a", in, 384, 3, 2, Padding.VALID);
        Node b1 = a.conv(branch(s, 1), "0a", in, 64, 1);
        b1 = a.conv(branch(s, 1), "0b", b1, 96, 3);
        b1 = a.conv(branch(s, 1), "1a", b1, 96, 3, 2, Padding.VALID);
        Node b2 = a.maxPool(branch(s, 2), "1a", in, 3, 2, Padding.VALID);
        return a.concat(s, b0, b1, b2);
    }

    /** 17x17 module with 1x7/7x1 factorization (torchvision's InceptionC); {@code c7} is the inner width. */
    private static Node module17(GraphAssembler a, String position, Node in, int c7) {
        String s = Names.mixed(position);
        Node b0 = a.conv(branch(s, 0), "0a", in, 192, 1);
        Node b1 = a.conv(branch(s, 1), "0a", in, c7, 1);
        b1 = a.conv(branch(s, 1), "0b", b1, c7, 1, 7);
        b1 = a.conv(branch(s, 1), "0c", b1, 192, 7, 1);
        Node b2 = a.conv(branch(s, 2), "0a", in, c7, 1);
        b2 = a.conv(branch(s, 2), "0b", b2, c7, 7, 1);
        b2 = a.conv(branch(s, 2), "0c", b2, c7, 1, 7);
        b2 = a.conv(branch(s, 2), "0d", b2, c7, 7, 1);
        b2 = a.conv(branch(s, 2), "0e", b2, 192, 1, 7);
        Node b3 = a.avgPool(branch(s, 3), "0a", in, 3, 1, Padding.SAME);
        b3 = a.conv(branch(s, 3), "0b", b3, 192, 1);
        return a.concat(s, b0, b1, b2, b3);
    }

    /** 17x17 to 8x8 reduction (torchvision's InceptionD). */
    private static Node reduction17(GraphAssembler a, String position, Node in) {
        String s = Names.mixed(position);
        Node b0 = a.conv(branch(s, 0), "0a", in, 192, 1);
        b0 = a.conv(branch(s, 0), "1a", b0, 320, 3, 2, Padding.VALID);
        Node b1 = a.conv(branch(s, 1), "0a", in, 192, 1);
        b1 = a.conv(branch(s, 1), "0b", b1, 192, 1, 7);
        b1 = a.conv(branch(s, 1), "0c", b1, 192, 7, 1);
        b1 = a.conv(branch(s, 1), "1a", b1, 192, 3, 2, Padding.VALID);
        Node b2 = a.maxPool(branch(s, 2), "1a", in, 3, 2, Padding.VALID);
        return a.concat(s, b0, b1, b2);
    }

    /**
     * 8x8 module with expanded filter banks (torchvision's InceptionE): the 1x3 and 3x1 convolutions of a branch run in
     * parallel. Their outputs go straight into the module's one concatenation (same channel order as slim's nested
     * concat), so there is no inner merge vertex.
     */
    private static Node module8(GraphAssembler a, String position, Node in) {
        String s = Names.mixed(position);
        Node b0 = a.conv(branch(s, 0), "0a", in, 320, 1);
        Node b1 = a.conv(branch(s, 1), "0a", in, 384, 1);
        Node b1a = a.conv(branch(s, 1), "0b", b1, 384, 1, 3);
        Node b1b = a.conv(branch(s, 1), "0b", b1, 384, 3, 1);
        Node b2 = a.conv(branch(s, 2), "0a", in, 448, 1);
        b2 = a.conv(branch(s, 2), "0b", b2, 384, 3);
        Node b2a = a.conv(branch(s, 2), "0c", b2, 384, 1, 3);
        Node b2b = a.conv(branch(s, 2), "0c", b2, 384, 3, 1);
        Node b3 = a.avgPool(branch(s, 3), "0a", in, 3, 1, Padding.SAME);
        b3 = a.conv(branch(s, 3), "0b", b3, 192, 1);
        return a.concat(s, b0, b1a, b1b, b2a, b2b, b3);
    }

    /**
     * The stem shared with Inception-ResNet-v2 (slim's inception_v3 up to MaxPool_5a_3x3): 299 px to 35x35x192.
     * Every unit is an endpoint.
     */
    static Node stem(GraphAssembler a) {
        Node x = a.endpoint(a.conv("", "1a", a.input(), 32, 3, 2, Padding.VALID));
        x = a.endpoint(a.conv("", "2a", x, 32, 3, 1, Padding.VALID));
        x = a.endpoint(a.conv("", "2b", x, 64, 3));
        x = a.endpoint(a.maxPool("", "3a", x, 3, 2, Padding.VALID));
        x = a.endpoint(a.conv("", "3b", x, 80, 1, 1, Padding.VALID));
        x = a.endpoint(a.conv("", "4a", x, 192, 3, 1, Padding.VALID));
        x = a.endpoint(a.maxPool("", "5a", x, 3, 2, Padding.VALID));
        return x;
    }
}
