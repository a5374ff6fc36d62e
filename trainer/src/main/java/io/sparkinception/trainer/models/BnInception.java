package io.sparkinception.trainer.models;

/**
 * {@code bn-inception} (Inception v2 as this project defines it): GoogLeNet's table with every 5x5 convolution
 * factorized into two 3x3 convolutions and batch normalization after every convolution; same auxiliary heads.
 *
 * <p>Deviation, deliberate: Ioffe and Szegedy's BN-Inception (2015, figure 5) also changes widths (e.g. 64-96-96 in
 * the double-3x3 branch of 3a), uses average pooling in some modules and stride-2 modules 3c and 4e instead of max
 * pooling between stages. This family keeps GoogLeNet's table so that it differs from {@code googlenet} only by the
 * factorization; there is no published parameter count for it.
 */
public final class BnInception implements InceptionNet {

    private static final FamilyDefaults DEFAULTS = new FamilyDefaults(224, 1, TrainingRecipe.SGD_MOMENTUM, 0.4, 0.7,
            GoogLeNetLayout.AUX_LOSS_WEIGHT);

    @Override
    public ZooGraph configure(ModelSpec spec) {
        Families.requireFamily(spec, ModelFamily.BN_INCEPTION);
        return GoogLeNetLayout.build(spec, true);
    }

    @Override
    public FamilyDefaults defaults() {
        return DEFAULTS;
    }
}
