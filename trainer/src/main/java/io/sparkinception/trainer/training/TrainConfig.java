package io.sparkinception.trainer.training;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigRenderOptions;
import io.sparkinception.common.Settings;
import io.sparkinception.trainer.kernels.Kernels;
import io.sparkinception.trainer.models.ModelFamily;
import io.sparkinception.trainer.models.ModelSpec;
import io.sparkinception.trainer.models.TrainingRecipe;
import java.io.Serializable;
import java.util.Map;
import org.apache.spark.storage.StorageLevel;

/**
 * The resolved settings of one training run (namespace {@code spark-inception.train}; every key documented in
 * trainer's reference.conf). Validates itself.
 */
public record TrainConfig(String data, String output, ModelFamily family, double width, int minFilters, boolean auxHeads,
                          int epochs, long maxRounds, int workers, int batchSizePerWorker, int averagingFrequency,
                          int aggregationDepth, boolean averageUpdaterState, String storageLevel, int prefetch, long seed,
                          boolean resume, int checkpointEvery, String recipe, double learningRate, double lrDecayFactor,
                          int lrDecayEpochs, double labelSmoothing, double gradientClip, double weightDecay, double batchNormDecay,
                          double emaDecay,
                          int validateEveryEpochs, Augmentation augmentation, long samplingSeed, String evalData,
                          DivergenceGuard.Policy onDivergence, Kernels kernels, long dataMemoryCap,
                          String rendered) implements Serializable {

    public static final String NAMESPACE = "spark-inception.train";

    public TrainConfig {
        // Messages name the flag (every key is one): the user typed --width, not widthMultiplier.
        require(data != null && !data.isBlank(), "--data is required: the output directory of preprocess");
        require(output != null && !output.isBlank(), "--output is required: the directory to write models and metrics to");
        require(family != null, "--family is required; known: " + String.join(", ", ModelFamily.ids()));
        require(width > 0 && width <= ModelSpec.MAX_WIDTH_MULTIPLIER, "--width must be in (0, "
                + fmt(ModelSpec.MAX_WIDTH_MULTIPLIER) + "], got " + fmt(width));
        require(minFilters >= 1, "--min-filters must be >= 1, got " + minFilters);
        require(epochs >= 1, "--epochs must be >= 1, got " + epochs);
        require(maxRounds >= 0, "--max-rounds must be >= 0 (0: no limit), got " + maxRounds);
        require(workers >= 0, "--workers must be >= 0 (0: spark.default.parallelism), got " + workers);
        require(batchSizePerWorker >= 1, "--batch-size-per-worker must be >= 1, got " + batchSizePerWorker);
        require(averagingFrequency >= 1, "--averaging-frequency must be >= 1, got " + averagingFrequency);
        require(aggregationDepth >= 1, "--aggregation-depth must be >= 1, got " + aggregationDepth);
        require(prefetch >= 0, "--prefetch must be >= 0, got " + prefetch);
        require(checkpointEvery >= 1, "--checkpoint-every must be >= 1, got " + checkpointEvery);
        require(learningRate >= 0 && Double.isFinite(learningRate),
                "--learning-rate must be > 0 and finite (0: the recipe's), got " + fmt(learningRate));
        require(lrDecayFactor >= 0 && lrDecayFactor <= 1, "--lr-decay-factor must be in (0, 1] (0: the recipe's), got "
                + fmt(lrDecayFactor));
        require(lrDecayEpochs >= 0, "--lr-decay-epochs must be >= 1 (0: the recipe's), got " + lrDecayEpochs);
        require(emaDecay >= 0 && emaDecay < 1, "--ema-decay must be in [0, 1) (0: off), got " + fmt(emaDecay));
        require(samplingSeed >= -1, "--sampling-seed must be -1 (use --seed) or >= 0, got " + samplingSeed);
        require(evalData != null, "--eval-data must be a path or empty");
        require(validateEveryEpochs >= 0, "--validate-every-epochs must be >= 0 (0: never), got " + validateEveryEpochs);
        require(labelSmoothing == -1 || (labelSmoothing >= 0 && labelSmoothing < 1),
                "--label-smoothing must be -1 (the recipe's) or in [0, 1), got " + fmt(labelSmoothing));
        require(gradientClip == -1 || (gradientClip >= 0 && Double.isFinite(gradientClip)),
                "--gradient-clip must be -1 (the recipe's), 0 (off) or > 0, got " + fmt(gradientClip));
        require(weightDecay == -1 || (weightDecay >= 0 && Double.isFinite(weightDecay)),
                "--weight-decay must be -1 (the family's) or >= 0, got " + fmt(weightDecay));
        require(onDivergence != null, "--on-divergence must be stop or skip-round-and-halve-lr");
        require(kernels != null, "--kernels must be onednn or builtin");
        require(dataMemoryCap >= 1 && dataMemoryCap <= (Long.MAX_VALUE >> 20), "--data-memory-cap must be >= 1 (MB), got "
                + dataMemoryCap);
        require(batchNormDecay == -1 || (batchNormDecay > 0 && batchNormDecay < 1),
                "--batch-norm-decay must be -1 (the family's) or in (0, 1), got " + fmt(batchNormDecay));
        try {
            StorageLevel.fromString(storageLevel);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown --storage-level '" + storageLevel
                    + "' (e.g. MEMORY_ONLY, MEMORY_AND_DISK, MEMORY_AND_DISK_SER, DISK_ONLY)");
        }
        TrainingRecipe.of(recipe);
    }

    /** The seed of data order, training-time sampling and dropout: {@code sampling-seed}, or {@code seed} when -1. */
    public long effectiveSamplingSeed() {
        return samplingSeed >= 0 ? samplingSeed : seed;
    }

    /** This configuration with some keys replaced (keys of this namespace; validated as a loaded one). */
    public TrainConfig with(Map<String, String> overrides) {
        com.typesafe.config.Config c = com.typesafe.config.ConfigFactory.parseString(rendered);
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            if (!c.hasPathOrNull(e.getKey())) {
                throw new IllegalArgumentException("unknown train setting '" + e.getKey() + "'");
            }
            c = c.withValue(e.getKey(), com.typesafe.config.ConfigValueFactory.fromAnyRef(e.getValue()));
        }
        return from(c);
    }

    /** A number as users write it: {@code 4}, not {@code 4.0}. */
    static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** The recipe with this run's overrides applied and its learning rate halved {@code halvings} times. */
    public TrainingRecipe resolvedRecipe(int halvings) {
        TrainingRecipe r = resolvedRecipe();
        TrainingRecipe.LearningRate lr = r.learningRate();
        return halvings == 0 ? r : r.withLearningRate(new TrainingRecipe.LearningRate(Math.scalb(lr.initial(), -halvings),
                lr.decayFactor(), lr.decayEveryEpochs()));
    }

    /** The recipe with this run's overrides applied. */
    public TrainingRecipe resolvedRecipe() {
        TrainingRecipe r = TrainingRecipe.of(recipe);
        TrainingRecipe.LearningRate lr = r.learningRate();
        double initial = learningRate > 0 ? learningRate : lr.initial();
        double factor = lrDecayFactor > 0 ? lrDecayFactor : lr.decayFactor();
        int every = lrDecayEpochs > 0 ? lrDecayEpochs : lr.decayEveryEpochs();
        r = r.withLearningRate(new TrainingRecipe.LearningRate(initial, factor, every));
        if (labelSmoothing >= 0) {
            r = r.withLabelSmoothing(labelSmoothing);
        }
        if (gradientClip >= 0) {
            r = r.withGradientClipL2(gradientClip);
        }
        return r;
    }

    public static TrainConfig load(String configFile, Map<String, String> overrides) {
        return from(Settings.load(NAMESPACE, configFile, overrides));
    }

    public static TrainConfig from(Config c) {
        try {
            Augmentation aug = new Augmentation(c.getBoolean("augment.random-crop"), c.getDouble("augment.min-area"),
                    c.getDouble("augment.max-area"), c.getDouble("augment.min-aspect"), c.getDouble("augment.max-aspect"),
                    c.getBoolean("augment.mirror"), c.getDouble("augment.brightness"), c.getDouble("augment.contrast"),
                    c.getDouble("augment.saturation"), c.getBoolean("augment.random-interpolation"));
            return new TrainConfig(c.getString("data"), c.getString("output"), ModelFamily.of(c.getString("family")),
                    c.getDouble("width"), c.getInt("min-filters"), c.getBoolean("aux-heads"), c.getInt("epochs"),
                    c.getLong("max-rounds"), c.getInt("workers"), c.getInt("batch-size-per-worker"),
                    c.getInt("averaging-frequency"), c.getInt("aggregation-depth"), c.getBoolean("average-updater-state"),
                    c.getString("storage-level"), c.getInt("prefetch"), c.getLong("seed"), c.getBoolean("resume"),
                    c.getInt("checkpoint-every"), c.getString("recipe"), c.getDouble("learning-rate"),
                    c.getDouble("lr-decay-factor"), c.getInt("lr-decay-epochs"), c.getDouble("label-smoothing"),
                    c.getDouble("gradient-clip"), c.getDouble("weight-decay"), c.getDouble("batch-norm-decay"),
                    c.getDouble("ema-decay"),
                    c.getInt("validate-every-epochs"), aug, c.getLong("sampling-seed"), c.getString("eval-data"),
                    DivergenceGuard.Policy.of(c.getString("on-divergence")), Kernels.of(c.getString("kernels")),
                    c.getLong("data-memory-cap"),
                    c.root().render(ConfigRenderOptions.defaults().setOriginComments(false).setJson(false)));
        } catch (ConfigException e) {
            throw new IllegalArgumentException("bad setting: " + e.getMessage(), e);
        }
    }
}
