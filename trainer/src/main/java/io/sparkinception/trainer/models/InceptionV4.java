package io.sparkinception.trainer.models;

import static io.sparkinception.trainer.models.Names.branch;

import io.sparkinception.trainer.models.GraphAssembler.Node;
import io.sparkinception.trainer.models.GraphAssembler.Padding;

/**
 * {@code inception-v4} (Szegedy et al., "Inception-v4, Inception-ResNet and the Impact of Residual Connections", 2017,
 * figures 3-9), the pure variant without residual connections, in the layout of slim's {@code inception_v4}: stem with
 * three parallel-branch steps (Mixed_3a, 4a, 5a), 4 x Inception-A (35x35x384), Reduction-A, 7 x Inception-B
 * (17x17x1024), Reduction-B, 3 x Inception-C (8x8x1536), and slim's auxiliary head on the last 17x17 module.
 *
 * <p>Padding is VALID where the paper marks "V" (stem and reductions), so 75 px is the smallest input: 75, 37, 35, 17,
 * 15, 7, 3, 1. At 299 px the grids are the paper's 35, 17, 8.
 */
public final class InceptionV4 implements InceptionNet {

    /** Dropout 0.2: the paper's and slim's keep probability 0.8. Aux loss weight 0.4 as for v3 (slim's script). */
    private static final FamilyDefaults DEFAULTS = new FamilyDefaults(299, 75, TrainingRecipe.RMSPROP, 0.2, 0.0, 0.4);

    @Override
    public ZooGraph configure(ModelSpec spec) {
        Families.requireFamily(spec, ModelFamily.INCEPTION_V4);
        GraphAssembler a = new GraphAssembler(spec);
        Node x = a.endpoint(a.conv("", "1a", a.input(), 32, 3, 2, Padding.VALID));
        x = a.endpoint(a.conv("", "2a", x, 32, 3, 1, Padding.VALID));
        x = a.endpoint(a.conv("", "2b", x, 64, 3));
        x = a.endpoint(stem3a(a, x));
        x = a.endpoint(stem4a(a, x));
        x = a.endpoint(stem5a(a, x));
        for (String p : new String[] {"5b", "5c", "5d", "5e"}) {
            x = a.endpoint(blockA(a, p, x));
        }
        x = a.endpoint(reductionA(a, "6a", x));
        for (String p : new String[] {"6b", "6c", "6d", "6e", "6f", "6g", "6h"}) {
            x = a.endpoint(blockB(a, p, x));
        }
        if (a.spec().auxHeads()) {
            a.factorizedAuxHead(x);
        }
        x = a.endpoint(reductionB(a, "7a", x));
        for (String p : new String[] {"7b", "7c", "7d"}) {
            x = a.endpoint(blockC(a, p, x));
        }
        a.logits(x);
        return a.build();
    }

    @Override
    public FamilyDefaults defaults() {
        return DEFAULTS;
    }

    private static Node stem3a(GraphAssembler a, Node in) {
        String s = Names.mixed("3a");
        Node b0 = a.maxPool(branch(s, 0), "0a", in, 3, 2, Padding.VALID);
        Node b1 = a.conv(branch(s, 1), "0a", in, 96, 3, 2, Padding.VALID);
        return a.concat(s, b0, b1);
    }

    private static Node stem4a(GraphAssembler a, Node in) {
        String s = Names.mixed("4a");
        Node b0 = a.conv(branch(s, 0), "0a", in, 64, 1);
        b0 = a.conv(branch(s, 0), "1a", b0, 96, 3, 1, Padding.VALID);
        Node b1 = a.conv(branch(s, 1), "0a", in, 64, 1);
        b1 = a.conv(branch(s, 1), "0b", b1, 64, 1, 7);
        b1 = a.conv(branch(s, 1), "0c", b1, 64, 7, 1);
        b1 = a.conv(branch(s, 1), "1a", b1, 96, 3, 1, Padding.VALID);
        return a.concat(s, b0, b1);
    }

    private static Node stem5a(GraphAssembler a, Node in) {
        String s = Names.mixed("5a");
        Node b0 = a.conv(branch(s, 0), "1a", in, 192, 3, 2, Padding.VALID);
        Node b1 = a.maxPool(branch(s, 1), "1a", in, 3, 2, Padding.VALID);
        return a.concat(s, b0, b1);
    }

    /** Inception-A (figure 4). */
    private static Node blockA(GraphAssembler a, String position, Node in) {
        String s = Names.mixed(position);
        Node b0 = a.conv(branch(s, 0), "0a", in, 96, 1);
        Node b1 = a.conv(branch(s, 1), "0a", in, 64, 1);
        b1 = a.conv(branch(s, 1), "0b", b1, 96, 3);
        Node b2 = a.conv(branch(s, 2), "0a", in, 64, 1);
        b2 = a.conv(branch(s, 2), "0b", b2, 96, 3);
        b2 = a.conv(branch(s, 2), "0c", b2, 96, 3);
        Node b3 = a.avgPool(branch(s, 3), "0a", in, 3, 1, Padding.SAME);
        b3 = a.conv(branch(s, 3), "0b", b3, 96, 1);
        return a.concat(s, b0, b1, b2, b3);
    }

    /** Reduction-A (figure 7) with Inception-v4's k=192, l=224, m=256, n=384. */
    private static Node reductionA(GraphAssembler a, String position, Node in) {
        String s = Names.mixed(position);
        Node b0 = a.conv(branch(s, 0), "1a", in, 384, 3, 2, Padding.VALID);
        Node b1 = a.conv(branch(s, 1), "0a", in, 192, 1);
        b1 = a.conv(branch(s, 1), "0b", b1, 224, 3);
        b1 = a.conv(branch(s, 1), "1a", b1, 256, 3, 2, Padding.VALID);
        Node b2 = a.maxPool(branch(s, 2), "1a", in, 3, 2, Padding.VALID);
        return a.concat(s, b0, b1, b2);
    }

    /** Inception-B (figure 5). */
    private static Node blockB(GraphAssembler a, String position, Node in) {
        String s = Names.mixed(position);
        Node b0 = a.conv(branch(s, 0), "0a", in, 384, 1);
        Node b1 = a.conv(branch(s, 1), "0a", in, 192, 1);
        b1 = a.conv(branch(s, 1), "0b", b1, 224, 1, 7);
        b1 = a.conv(branch(s, 1), "0c", b1, 256, 7, 1);
        Node b2 = a.conv(branch(s, 2), "0a", in, 192, 1);
        b2 = a.conv(branch(s, 2), "0b", b2, 192, 7, 1);
        b2 = a.conv(branch(s, 2), "0c", b2, 224, 1, 7);
        b2 = a.conv(branch(s, 2), "0d", b2, 224, 7, 1);
        b2 = a.conv(branch(s, 2), "0e", b2, 256, 1, 7);
        Node b3 = a.avgPool(branch(s, 3), "0a", in, 3, 1, Padding.SAME);
        b3 = a.conv(branch(s, 3), "0b", b3, 128, 1);
        return a.concat(s, b0, b1, b2, b3);
    }

    /** Reduction-B (figure 8). */
    private static Node reductionB(GraphAssembler a, String position, Node in) {
        String s = Names.mixed(position);
        Node b0 = a.conv(branch(s, 0), "0a", in, 192, 1);
        b0 = a.conv(branch(s, 0), "1a", b0, 192, 3, 2, Padding.VALID);
        Node b1 = a.conv(branch(s, 1), "0a", in, 256, 1);
        b1 = a.conv(branch(s, 1), "0b", b1, 256, 1, 7);
        b1 = a.conv(branch(s, 1), "0c", b1, 320, 7, 1);
        b1 = a.conv(branch(s, 1), "1a", b1, 320, 3, 2, Padding.VALID);
        Node b2 = a.maxPool(branch(s, 2), "1a", in, 3, 2, Padding.VALID);
        return a.concat(s, b0, b1, b2);
    }

    /** Inception-C (figure 6); parallel 1x3/3x1 outputs go straight into the module's concatenation. */
    private static Node blockC(GraphAssembler a, String position, Node in) {
        String s = Names.mixed(position);
        Node b0 = a.conv(branch(s, 0), "0a", in, 256, 1);
        Node b1 = a.conv(branch(s, 1), "0a", in, 384, 1);
        Node b1a = a.conv(branch(s, 1), "0b", b1, 256, 1, 3);
        Node b1b = a.conv(branch(s, 1), "0b", b1, 256, 3, 1);
        Node b2 = a.conv(branch(s, 2), "0a", in, 384, 1);
        b2 = a.conv(branch(s, 2), "0b", b2, 448, 3, 1);
        b2 = a.conv(branch(s, 2), "0c", b2, 512, 1, 3);
        Node b2a = a.conv(branch(s, 2), "0d", b2, 256, 1, 3);
        Node b2b = a.conv(branch(s, 2), "0d", b2, 256, 3, 1);
        Node b3 = a.avgPool(branch(s, 3), "0a", in, 3, 1, Padding.SAME);
        b3 = a.conv(branch(s, 3), "0b", b3, 256, 1);
        return a.concat(s, b0, b1a, b1b, b2a, b2b, b3);
    }
}
