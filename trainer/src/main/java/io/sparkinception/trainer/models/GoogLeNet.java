package io.sparkinception.trainer.models;

/**
 * {@code googlenet}: Inception v1 as in the paper's Table 1, with the two auxiliary classifiers (on the paper's 4a and
 * 4d) weighted 0.3. Default: batch norm after every convolution (torchvision's modern variant); with
 * {@code batchNorm=false}, the paper's original: convolutions with biases and local response normalization after the
 * first pooling and after the 3x3 stem convolution. See {@link GoogLeNetLayout} for names and deviations.
 */
public final class GoogLeNet implements InceptionNet {

    /** Paper: 224 px, dropout 0.4 before the main classifier and 0.7 in the auxiliary heads, SGD with momentum. Any
     * input of at least 1 px builds (SAME padding everywhere); below 32 px the last stage already sees a 1x1 grid. */
    private static final FamilyDefaults DEFAULTS = new FamilyDefaults(224, 1, TrainingRecipe.SGD_MOMENTUM, 0.4, 0.7,
            GoogLeNetLayout.AUX_LOSS_WEIGHT);

    @Override
    public ZooGraph configure(ModelSpec spec) {
        Families.requireFamily(spec, ModelFamily.GOOGLENET);
        return GoogLeNetLayout.build(spec, false);
    }

    @Override
    public FamilyDefaults defaults() {
        return DEFAULTS;
    }
}
