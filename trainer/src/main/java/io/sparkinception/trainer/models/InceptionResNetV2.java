package io.sparkinception.trainer.models;

import static io.sparkinception.trainer.models.Names.branch;

import io.sparkinception.trainer.models.GraphAssembler.Node;
import io.sparkinception.trainer.models.GraphAssembler.Padding;
import java.util.List;

/**
 * {@code inception-resnet-v2} (Szegedy et al. 2017), in the layout of Keras' {@code InceptionResNetV2} and slim's
 * {@code inception_resnet_v2}: v3-style stem, Mixed_5b (35x35x320), 10 x Block35, Mixed_6a (17x17x1088),
 * 20 x Block17, slim's auxiliary head, Mixed_7a (8x8x2080), 10 x Block8 (the last without ReLU), Conv2d_7b_1x1
 * (1536), classifier.
 *
 * <p>Every residual block is {@code out = relu(x + s * up(concat(branches)))}, built by one helper
 * ({@link #inceptionResNetBlock}); the residual is scaled by a ScaleVertex and added by an ElementWiseVertex, never
 * concatenated. Scales are slim's: 0.17 (Block35), 0.10 (Block17), 0.20 (Block8), within the paper's 0.1-0.3; the
 * last Block8 uses scale 1.0 and no activation, as in both references.
 *
 * <p>Padding is VALID in the stem and reductions as in the paper, so 75 px is the smallest input (grids 35, 17, 8 at
 * 299 px; 7, 3, 1 at 75 px).
 */
public final class InceptionResNetV2 implements InceptionNet {

    /** Dropout 0.2: slim's keep probability 0.8 (Keras has none). Aux loss weight 0.4 as for v3. */
    private static final FamilyDefaults DEFAULTS = new FamilyDefaults(299, 75, TrainingRecipe.RMSPROP, 0.2, 0.0, 0.4);

    static final int BLOCK35_REPEATS = 10;
    static final int BLOCK17_REPEATS = 20;
    static final int BLOCK8_REPEATS = 10;

    /** The three residual block types: their name prefix, residual scale and branches. */
    enum BlockType {
        /** 35x35 block (figure 16): 1x1 32; 1x1 32-3x3 32; 1x1 32-3x3 48-3x3 64. */
        BLOCK35("Block35", 0.17) {
            @Override
            List<Node> branches(GraphAssembler a, String s, Node x) {
                Node b0 = a.conv(branch(s, 0), "0a", x, 32, 1);
                Node b1 = a.conv(branch(s, 1), "0a", x, 32, 1);
                b1 = a.conv(branch(s, 1), "0b", b1, 32, 3);
                Node b2 = a.conv(branch(s, 2), "0a", x, 32, 1);
                b2 = a.conv(branch(s, 2), "0b", b2, 48, 3);
                b2 = a.conv(branch(s, 2), "0c", b2, 64, 3);
                return List.of(b0, b1, b2);
            }
        },
        /** 17x17 block (figure 17): 1x1 192; 1x1 128-1x7 160-7x1 192. */
        BLOCK17("Block17", 0.10) {
            @Override
            List<Node> branches(GraphAssembler a, String s, Node x) {
                Node b0 = a.conv(branch(s, 0), "0a", x, 192, 1);
                Node b1 = a.conv(branch(s, 1), "0a", x, 128, 1);
                b1 = a.conv(branch(s, 1), "0b", b1, 160, 1, 7);
                b1 = a.conv(branch(s, 1), "0c", b1, 192, 7, 1);
                return List.of(b0, b1);
            }
        },
        /** 8x8 block (figure 19): 1x1 192; 1x1 192-1x3 224-3x1 256. */
        BLOCK8("Block8", 0.20) {
            @Override
            List<Node> branches(GraphAssembler a, String s, Node x) {
                Node b0 = a.conv(branch(s, 0), "0a", x, 192, 1);
                Node b1 = a.conv(branch(s, 1), "0a", x, 192, 1);
                b1 = a.conv(branch(s, 1), "0b", b1, 224, 1, 3);
                b1 = a.conv(branch(s, 1), "0c", b1, 256, 3, 1);
                return List.of(b0, b1);
            }
        };

        final String prefix;
        final double scale;

        BlockType(String prefix, double scale) {
            this.prefix = prefix;
            this.scale = scale;
        }

        abstract List<Node> branches(GraphAssembler a, String scope, Node x);
    }

    @Override
    public ZooGraph configure(ModelSpec spec) {
        Families.requireFamily(spec, ModelFamily.INCEPTION_RESNET_V2);
        GraphAssembler a = new GraphAssembler(spec);
        Node x = InceptionV3.stem(a);
        // Mixed_5b, 35x35x320. Deviation: the paper gives Inception-ResNet-v2 the Inception-v4 stem (figure 3,
        // 35x35x384); slim and Keras, whose 55.8M-parameter model is the published reference, use a v3-style stem
        // ending in this module (v3's 35x35 module with 96 filters in its first branch).
        x = a.endpoint(InceptionV3.module35(a, "5b", x, 96, 64));
        for (int i = 1; i <= BLOCK35_REPEATS; i++) {
            x = inceptionResNetBlock(a, x, BlockType.BLOCK35, i, BlockType.BLOCK35.scale, true);
        }
        a.endpoint(x);
        x = a.endpoint(mixed6a(a, x));
        for (int i = 1; i <= BLOCK17_REPEATS; i++) {
            x = inceptionResNetBlock(a, x, BlockType.BLOCK17, i, BlockType.BLOCK17.scale, true);
        }
        a.endpoint(x);
        if (spec.auxHeads()) {
            a.factorizedAuxHead(x);
        }
        x = a.endpoint(mixed7a(a, x));
        for (int i = 1; i < BLOCK8_REPEATS; i++) {
            x = inceptionResNetBlock(a, x, BlockType.BLOCK8, i, BlockType.BLOCK8.scale, true);
        }
        x = a.endpoint(inceptionResNetBlock(a, x, BlockType.BLOCK8, BLOCK8_REPEATS, 1.0, false));
        x = a.endpoint(a.conv("", "7b", x, 1536, 1));
        a.logits(x);
        return a.build();
    }

    @Override
    public FamilyDefaults defaults() {
        return DEFAULTS;
    }

    /**
     * Keras' {@code inception_resnet_block(x, scale, block_type, block_idx, activation)}: the block type's branches on
     * {@code x}, then {@code activation(x + scale * up(concat))}, named {@code <Type>_<index>}.
     */
    static Node inceptionResNetBlock(GraphAssembler a, Node x, BlockType type, int index, double scale, boolean activate) {
        String name = Names.block(type.prefix, index);
        return a.residual(name, x, type.branches(a, name, x), scale, activate);
    }

    /** Reduction-A with Inception-ResNet-v2's k=256, l=256, m=384, n=384. */
    private static Node mixed6a(GraphAssembler a, Node in) {
        String s = Names.mixed("6a");
        Node b0 = a.conv(branch(s, 0), "1a", in, 384, 3, 2, Padding.VALID);
        Node b1 = a.conv(branch(s, 1), "0a", in, 256, 1);
        b1 = a.conv(branch(s, 1), "0b", b1, 256, 3);
        b1 = a.conv(branch(s, 1), "1a", b1, 384, 3, 2, Padding.VALID);
        Node b2 = a.maxPool(branch(s, 2), "1a", in, 3, 2, Padding.VALID);
        return a.concat(s, b0, b1, b2);
    }

    /** Reduction-B of Inception-ResNet-v2 (figure 18, widths of slim/Keras). */
    private static Node mixed7a(GraphAssembler a, Node in) {
        String s = Names.mixed("7a");
        Node b0 = a.conv(branch(s, 0), "0a", in, 256, 1);
        b0 = a.conv(branch(s, 0), "1a", b0, 384, 3, 2, Padding.VALID);
        Node b1 = a.conv(branch(s, 1), "0a", in, 256, 1);
        b1 = a.conv(branch(s, 1), "1a", b1, 288, 3, 2, Padding.VALID);
        Node b2 = a.conv(branch(s, 2), "0a", in, 256, 1);
        b2 = a.conv(branch(s, 2), "0b", b2, 288, 3);
        b2 = a.conv(branch(s, 2), "1a", b2, 320, 3, 2, Padding.VALID);
        Node b3 = a.maxPool(branch(s, 3), "1a", in, 3, 2, Padding.VALID);
        return a.concat(s, b0, b1, b2, b3);
    }
}
