package io.sparkinception.trainer.models;

import static io.sparkinception.trainer.models.Names.branch;
import static io.sparkinception.trainer.models.Names.join;

import io.sparkinception.trainer.models.GraphAssembler.Node;
import io.sparkinception.trainer.models.GraphAssembler.Padding;
import java.util.List;

/**
 * GoogLeNet's layout (Szegedy et al. 2015, Table 1) as a table of module specs, shared by {@code googlenet} and
 * {@code bn-inception}, which differ only in the third branch (one 5x5, or two 3x3) and in normalization.
 *
 * <p>Names are slim's, whose positions count a stage's pooling layer as its first layer: the paper's modules 3a, 3b,
 * 4a-4e, 5a, 5b are {@code Mixed_3b}, {@code Mixed_3c}, {@code Mixed_4b}-{@code Mixed_4f}, {@code Mixed_5b},
 * {@code Mixed_5c}; the auxiliary heads on the paper's 4a and 4d are {@code AuxLogits_4b} and {@code AuxLogits_4e}.
 *
 * <p>Padding is SAME everywhere, as in slim's {@code inception_v1} (and Caffe's ceil-mode pooling at 224 px): the
 * grids are 112, 56, 28, 14, 7 at 224 px, and every input size of at least 1 px builds.
 */
final class GoogLeNetLayout {

    /**
     * One row of Table 1: the widths of an Inception module's branches.
     *
     * @param position   slim position of the module ({@code 3b} is the paper's 3a)
     * @param oneByOne   branch 0: 1x1
     * @param reduce3x3  branch 1: 1x1 reduction before the 3x3
     * @param threeByThree branch 1: 3x3
     * @param reduce5x5  branch 2: 1x1 reduction before the 5x5
     * @param fiveByFive branch 2: 5x5 (or each of the two 3x3 that replace it)
     * @param poolProj   branch 3: 1x1 projection after 3x3 max pooling
     */
    record Module(String position, int oneByOne, int reduce3x3, int threeByThree, int reduce5x5, int fiveByFive,
                  int poolProj) {
        int outputs() {
            return oneByOne + threeByThree + fiveByFive + poolProj;
        }
    }

    static final List<Module> STAGE_3 = List.of(
            new Module("3b", 64, 96, 128, 16, 32, 32),
            new Module("3c", 128, 128, 192, 32, 96, 64));
    static final List<Module> STAGE_4 = List.of(
            new Module("4b", 192, 96, 208, 16, 48, 64),
            new Module("4c", 160, 112, 224, 24, 64, 64),
            new Module("4d", 128, 128, 256, 24, 64, 64),
            new Module("4e", 112, 144, 288, 32, 64, 64),
            new Module("4f", 256, 160, 320, 32, 128, 128));
    static final List<Module> STAGE_5 = List.of(
            new Module("5b", 256, 160, 320, 32, 128, 128),
            new Module("5c", 384, 192, 384, 48, 128, 128));

    /** The modules after which the auxiliary heads attach (the paper's 4a and 4d). */
    static final List<String> AUX_POSITIONS = List.of("4b", "4e");

    /** GoogLeNet's auxiliary heads weigh 0.3 each in the training loss (section 5). */
    static final double AUX_LOSS_WEIGHT = 0.3;

    private GoogLeNetLayout() {
    }

    /** The whole network; {@code factorized} replaces each 5x5 by two 3x3 (bn-inception). */
    static ZooGraph build(ModelSpec spec, boolean factorized) {
        GraphAssembler a = new GraphAssembler(spec);
        boolean lrn = !spec.batchNorm();
        Node x = a.endpoint(a.conv("", "1a", a.input(), 64, 7, 2, Padding.SAME));
        x = a.endpoint(a.maxPool("", "2a", x, 3, 2, Padding.SAME));
        if (lrn) {
            x = a.lrn("2a", x);
        }
        x = a.endpoint(a.conv("", "2b", x, 64, 1));
        x = a.endpoint(a.conv("", "2c", x, 192, 3));
        if (lrn) {
            x = a.lrn("2c", x);
        }
        x = a.endpoint(a.maxPool("", "3a", x, 3, 2, Padding.SAME));
        for (Module m : STAGE_3) {
            x = a.endpoint(module(a, m, x, factorized));
        }
        x = a.endpoint(a.maxPool("", "4a", x, 3, 2, Padding.SAME));
        for (Module m : STAGE_4) {
            x = a.endpoint(module(a, m, x, factorized));
            if (spec.auxHeads() && AUX_POSITIONS.contains(m.position())) {
                auxHead(a, "AuxLogits_" + m.position(), x);
            }
        }
        // The paper pools 3x3/2 here; slim's inception_v1 pools 2x2/2. Same grid at 224 px (7x7).
        x = a.endpoint(a.maxPool("", "5a", x, 3, 2, Padding.SAME));
        for (Module m : STAGE_5) {
            x = a.endpoint(module(a, m, x, factorized));
        }
        // Paper: 7x7/1 average pool, dropout 40%, linear, softmax. A global average pool is the same at 224 px and keeps
        // the head valid at every input size.
        a.logits(x);
        return a.build();
    }

    /** One Inception module: four branches concatenated; the MergeVertex is named {@code Mixed_<position>}. */
    static Node module(GraphAssembler a, Module m, Node in, boolean factorized) {
        String scope = Names.mixed(m.position());
        Node b0 = a.conv(branch(scope, 0), "0a", in, m.oneByOne(), 1);

        Node b1 = a.conv(branch(scope, 1), "0a", in, m.reduce3x3(), 1);
        b1 = a.conv(branch(scope, 1), "0b", b1, m.threeByThree(), 3);

        Node b2 = a.conv(branch(scope, 2), "0a", in, m.reduce5x5(), 1);
        if (factorized) {
            // Rethinking the Inception Architecture, figure 5: a 5x5 as two stacked 3x3 (same receptive field, 18/25 of
            // the weights). Both keep the 5x5's width.
            b2 = a.conv(branch(scope, 2), "0b", b2, m.fiveByFive(), 3);
            b2 = a.conv(branch(scope, 2), "0c", b2, m.fiveByFive(), 3);
        } else {
            // The paper's 5x5. Slim's inception_v1 and torchvision's googlenet use a 3x3 here (torchvision calls it "a
            // known bug" kept for its pretrained weights); we follow the paper, hence 380,928 more weights at 1000
            // classes than torchvision's 6,624,904.
            b2 = a.conv(branch(scope, 2), "0b", b2, m.fiveByFive(), 5);
        }

        Node b3 = a.maxPool(branch(scope, 3), "0a", in, 3, 1, Padding.SAME);
        b3 = a.conv(branch(scope, 3), "0b", b3, m.poolProj(), 1);
        return a.concat(scope, b0, b1, b2, b3);
    }

    /**
     * GoogLeNet's auxiliary classifier (section 5): average pool 5x5/3 VALID (4x4 at 224 px), 1x1 conv 128 + ReLU,
     * fully connected 1024 + ReLU, dropout 70%, linear + softmax. Deviation: below 65 px the 14x14 grid is smaller than
     * 5x5 and the pooling kernel shrinks to the grid (slim's reduced-kernel rule), so the head exists at every size.
     */
    static void auxHead(GraphAssembler a, String name, Node at) {
        Node x = a.avgPool(name, "0a", at, Math.min(5, a.gridSize(at)), 3, Padding.VALID);
        x = a.conv(name, "0b", x, 128, 1);
        x = a.dense(join(name, Names.fullyConnected("0c")), x, 1024);
        a.auxClassifier(name, at, x);
    }
}
