package io.sparkinception.trainer.models;

import java.io.Serializable;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * Every knob of a zoo model, validated here; {@link #defaults(ModelFamily, int)} gives the paper's settings.
 *
 * @param family          which network
 * @param numClasses      softmax width of every classifier (main and auxiliary)
 * @param inputSize       square input side in pixels; at least the family's {@link InceptionNet#minimumInputSize()}
 * @param inputChannels   3 for RGB, 1 for grayscale
 * @param widthMultiplier scales every filter count and hidden width (not the class count):
 *                        {@code max(min(paper, minFilters), floor(paper * widthMultiplier))}, slim's {@code depth()}
 *                        except that the floor never raises a layer above its paper width
 * @param minFilters      the floor of a scaled filter count (slim's {@code min_depth}, 16 by default)
 * @param auxHeads        whether the auxiliary classifiers are built (training only; see {@link InferenceExport})
 * @param auxLossWeight   factor on each auxiliary loss (GoogLeNet 0.3; slim's v3 training script 0.4)
 * @param batchNorm       batch normalization after every convolution; false is GoogLeNet as published (biases, local
 *                        response normalization in the stem) and is only allowed for {@code googlenet}
 * @param dropout         drop probability before the main classifier, in [0, 1)
 * @param auxDropout      drop probability before each auxiliary classifier, in [0, 1)
 * @param layerDefaults   weight decay, batch-norm settings and initialization shared by all layers
 * @param seed            seed of the parameter initialization (and of dropout masks)
 * @param recipe          updater, schedule, clipping and label smoothing
 */
public record ModelSpec(ModelFamily family, int numClasses, int inputSize, int inputChannels, double widthMultiplier,
                        int minFilters, boolean auxHeads, double auxLossWeight, boolean batchNorm, double dropout,
                        double auxDropout, LayerDefaults layerDefaults, long seed, TrainingRecipe recipe)
        implements Serializable {

    /** Slim's {@code min_depth}. */
    public static final int DEFAULT_MIN_FILTERS = 16;
    public static final long DEFAULT_SEED = 12345L;
    /** Wider than the paper is allowed (the ensemble's wider member) up to this factor. */
    public static final double MAX_WIDTH_MULTIPLIER = 4.0;

    public ModelSpec {
        if (family == null) {
            throw new IllegalArgumentException("family is required; known: " + String.join(", ", ModelFamily.ids()));
        }
        if (numClasses < 2) {
            throw new IllegalArgumentException("numClasses must be at least 2 (a softmax over one class is constant), got "
                    + numClasses);
        }
        int minimum = family.net().minimumInputSize();
        if (inputSize < minimum) {
            throw new IllegalArgumentException("inputSize " + inputSize + " is below " + family.id() + "'s minimum of "
                    + minimum + " px (default " + family.net().defaultInputSize() + ")");
        }
        if (inputChannels < 1) {
            throw new IllegalArgumentException("inputChannels must be at least 1, got " + inputChannels);
        }
        if (!(widthMultiplier > 0 && widthMultiplier <= MAX_WIDTH_MULTIPLIER)) {
            throw new IllegalArgumentException("widthMultiplier must be in (0, " + MAX_WIDTH_MULTIPLIER + "], got "
                    + widthMultiplier);
        }
        if (minFilters < 1) {
            throw new IllegalArgumentException("minFilters must be at least 1, got " + minFilters);
        }
        if (!(auxLossWeight >= 0 && Double.isFinite(auxLossWeight))) {
            throw new IllegalArgumentException("auxLossWeight must be a finite number >= 0, got " + auxLossWeight);
        }
        if (!batchNorm && family != ModelFamily.GOOGLENET) {
            throw new IllegalArgumentException("batchNorm=false (the original GoogLeNet with local response normalization)"
                    + " exists only for googlenet; " + family.id() + " is defined with batch normalization");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout is a drop probability in [0, 1), got " + dropout);
        }
        if (!(auxDropout >= 0 && auxDropout < 1)) {
            throw new IllegalArgumentException("auxDropout is a drop probability in [0, 1), got " + auxDropout);
        }
        if (layerDefaults == null) {
            throw new IllegalArgumentException("layerDefaults is required (LayerDefaults.STANDARD for the papers' settings)");
        }
        if (recipe == null) {
            throw new IllegalArgumentException("recipe is required; named recipes: " + String.join(", ", TrainingRecipe.names()));
        }
    }

    /** The paper's model for {@code family} with {@code numClasses} classes: default size, full width, aux heads on. */
    public static ModelSpec defaults(ModelFamily family, int numClasses) {
        if (family == null) {
            throw new IllegalArgumentException("family is required; known: " + String.join(", ", ModelFamily.ids()));
        }
        FamilyDefaults d = family.net().defaults();
        return new ModelSpec(family, numClasses, d.inputSize(), 3, 1.0, DEFAULT_MIN_FILTERS, true, d.auxLossWeight(),
                true, d.dropout(), d.auxDropout(), LayerDefaults.STANDARD, DEFAULT_SEED, d.recipe());
    }

    /** The filter count (or hidden width) of a layer the paper gives {@code paperCount} for, after the multiplier. */
    public int filters(int paperCount) {
        if (paperCount < 1) {
            throw new IllegalArgumentException("a layer needs at least one filter, got " + paperCount);
        }
        return Math.max(Math.min(paperCount, minFilters), (int) Math.floor(paperCount * widthMultiplier));
    }

    /** DL4J's input type: {@code inputSize x inputSize x inputChannels} images, NCHW. */
    public InputType inputType() {
        return InputType.convolutional(inputSize, inputSize, inputChannels);
    }

    /** The main classifier's loss: cross entropy, with label smoothing if the recipe asks for it. */
    ILossFunction classifierLoss() {
        return recipe.labelSmoothing() > 0 ? new LabelSmoothingCrossEntropy(recipe.labelSmoothing()) : new LossMCXENT();
    }

    public ModelSpec withNumClasses(int value) {
        return copy(b -> b.numClasses = value);
    }

    public ModelSpec withInputSize(int value) {
        return copy(b -> b.inputSize = value);
    }

    public ModelSpec withInputChannels(int value) {
        return copy(b -> b.inputChannels = value);
    }

    public ModelSpec withWidth(double multiplier, int floor) {
        return copy(b -> {
            b.widthMultiplier = multiplier;
            b.minFilters = floor;
        });
    }

    public ModelSpec withWidthMultiplier(double value) {
        return copy(b -> b.widthMultiplier = value);
    }

    public ModelSpec withAuxHeads(boolean value) {
        return copy(b -> b.auxHeads = value);
    }

    public ModelSpec withAuxLossWeight(double value) {
        return copy(b -> b.auxLossWeight = value);
    }

    public ModelSpec withBatchNorm(boolean value) {
        return copy(b -> b.batchNorm = value);
    }

    /** Drop probabilities before the main and the auxiliary classifiers. */
    public ModelSpec withDropout(double main, double aux) {
        return copy(b -> {
            b.dropout = main;
            b.auxDropout = aux;
        });
    }

    public ModelSpec withLayerDefaults(LayerDefaults value) {
        return copy(b -> b.layerDefaults = value);
    }

    public ModelSpec withSeed(long value) {
        return copy(b -> b.seed = value);
    }

    public ModelSpec withRecipe(TrainingRecipe value) {
        return copy(b -> b.recipe = value);
    }

    /** This spec with {@code change} applied, validated again by the constructor: the one place the withers copy fields. */
    private ModelSpec copy(java.util.function.Consumer<Copy> change) {
        Copy b = new Copy(this);
        change.accept(b);
        return b.build();
    }

    /** The mutable copy the withers edit; a new component is added here (field, constructor, build) and nowhere else. */
    private static final class Copy {
        ModelFamily family;
        int numClasses;
        int inputSize;
        int inputChannels;
        double widthMultiplier;
        int minFilters;
        boolean auxHeads;
        double auxLossWeight;
        boolean batchNorm;
        double dropout;
        double auxDropout;
        LayerDefaults layerDefaults;
        long seed;
        TrainingRecipe recipe;

        Copy(ModelSpec s) {
            family = s.family;
            numClasses = s.numClasses;
            inputSize = s.inputSize;
            inputChannels = s.inputChannels;
            widthMultiplier = s.widthMultiplier;
            minFilters = s.minFilters;
            auxHeads = s.auxHeads;
            auxLossWeight = s.auxLossWeight;
            batchNorm = s.batchNorm;
            dropout = s.dropout;
            auxDropout = s.auxDropout;
            layerDefaults = s.layerDefaults;
            seed = s.seed;
            recipe = s.recipe;
        }

        ModelSpec build() {
            return new ModelSpec(family, numClasses, inputSize, inputChannels, widthMultiplier, minFilters, auxHeads,
                    auxLossWeight, batchNorm, dropout, auxDropout, layerDefaults, seed, recipe);
        }
    }
}
