package io.sparkinception.trainer.training;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigRenderOptions;
import io.sparkinception.common.Settings;
import io.sparkinception.trainer.kernels.Kernels;
import io.sparkinception.trainer.models.Decay;
import io.sparkinception.trainer.models.ModelFamily;
import io.sparkinception.trainer.models.ModelSpec;
import io.sparkinception.trainer.models.ScheduleWarp;
import io.sparkinception.trainer.models.TrainingRecipe;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import org.apache.spark.storage.StorageLevel;

/**
 * The resolved settings of one training run (namespace {@code spark-inception.train}; every key documented in
 * trainer's reference.conf). Validates itself.
 *
 * <p>Optional keys are null when the config omits them (reference.conf declares them {@code = null}): then the
 * default named in each accessor's key applies ({@code max-rounds}: no limit; {@code time-budget}: none, the run
 * lasts {@code epochs}; {@code workers}:
 * {@code spark.default.parallelism}; {@code sampling-seed}: {@code seed}; {@code learning-rate},
 * {@code lr-decay-factor}, {@code lr-decay-epochs}, {@code label-smoothing}, {@code gradient-clip}: the recipe's;
 * {@code weight-decay}, {@code batch-norm-decay}: the family's).
 */
public record TrainConfig(String data, String output, ModelFamily family, double width, int minFilters, boolean auxHeads,
                          int epochs, Long maxRounds, String timeBudget, Integer workers, int batchSizePerWorker,
                          int averagingFrequency,
                          int aggregationDepth, boolean averageUpdaterState, String storageLevel, int prefetch, long seed,
                          boolean resume, int checkpointEvery, String recipe, Double learningRate, Double lrDecayFactor,
                          Integer lrDecayEpochs, String lrSchedule, Double warmupEpochs, Double labelSmoothing, Double gradientClip, Double weightDecay,
                          Double batchNormDecay, double emaDecay,
                          int validateEveryEpochs, Augmentation augmentation, Long samplingSeed, String evalData,
                          DivergenceGuard.Policy onDivergence, Kernels kernels, long dataMemoryCap, Integer inputSize,
                          String initModel, String rendered) implements Serializable {

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
        optional(maxRounds, v -> v >= 1, "--max-rounds must be >= 1 (omit it for no limit), got " + maxRounds);
        timeBudget = timeBudget == null || timeBudget.isBlank() ? null : timeBudget.trim();
        TimeBudget.parse(timeBudget, TimeBudget.CALIBRATION_ROUNDS);
        optional(workers, v -> v >= 1, "--workers must be >= 1 (omit it for spark.default.parallelism), got " + workers);
        require(batchSizePerWorker >= 1, "--batch-size-per-worker must be >= 1, got " + batchSizePerWorker);
        require(averagingFrequency >= 1, "--averaging-frequency must be >= 1, got " + averagingFrequency);
        require(aggregationDepth >= 1, "--aggregation-depth must be >= 1, got " + aggregationDepth);
        require(prefetch >= 0, "--prefetch must be >= 0, got " + prefetch);
        require(checkpointEvery >= 1, "--checkpoint-every must be >= 1, got " + checkpointEvery);
        optional(learningRate, v -> v > 0 && Double.isFinite(v),
                "--learning-rate must be > 0 and finite (omit it for the recipe's), got " + fmt(learningRate));
        optional(lrDecayFactor, v -> v > 0 && v <= 1,
                "--lr-decay-factor must be in (0, 1] (omit it for the recipe's), got " + fmt(lrDecayFactor));
        optional(lrDecayEpochs, v -> v >= 1, "--lr-decay-epochs must be >= 1 (omit it for the recipe's), got "
                + lrDecayEpochs);
        optional(warmupEpochs, v -> v >= 0 && Double.isFinite(v),
                "--warmup-epochs must be >= 0 (omit it for none), got " + fmt(warmupEpochs));
        if (lrSchedule != null) {
            Decay decay = Decay.of(lrSchedule, epochs, 1, 1);
            require(!(decay instanceof Decay.OneCycle) || warmupEpochs == null || warmupEpochs == 0,
                    "--lr-schedule one-cycle has its own warm-up: omit --warmup-epochs");
            require(decay instanceof Decay.Step || (lrDecayFactor == null && lrDecayEpochs == null),
                    "--lr-decay-factor and --lr-decay-epochs belong to --lr-schedule step, not " + lrSchedule);
        }
        require(emaDecay >= 0 && emaDecay < 1, "--ema-decay must be in [0, 1) (0: off), got " + fmt(emaDecay));
        optional(samplingSeed, v -> v >= 0, "--sampling-seed must be >= 0 (omit it to use --seed), got " + samplingSeed);
        require(evalData != null, "--eval-data must be a path or empty");
        require(validateEveryEpochs >= 0, "--validate-every-epochs must be >= 0 (0: never), got " + validateEveryEpochs);
        optional(labelSmoothing, v -> v >= 0 && v < 1,
                "--label-smoothing must be in [0, 1) (omit it for the recipe's), got " + fmt(labelSmoothing));
        optional(gradientClip, v -> v >= 0 && Double.isFinite(v),
                "--gradient-clip must be 0 (off) or > 0 (omit it for the recipe's), got " + fmt(gradientClip));
        optional(weightDecay, v -> v >= 0 && Double.isFinite(v),
                "--weight-decay must be >= 0 (omit it for the family's), got " + fmt(weightDecay));
        require(onDivergence != null, "--on-divergence must be stop or skip-round-and-halve-lr");
        require(kernels != null, "--kernels must be onednn or builtin");
        optional(inputSize, v -> v >= 1, "--input-size must be >= 1 (omit it for the stored image size), got " + inputSize);
        require(initModel != null, "--init-model must be a model.zip or empty");
        require(dataMemoryCap >= 1 && dataMemoryCap <= (Long.MAX_VALUE >> 20), "--data-memory-cap must be >= 1 (MB), got "
                + dataMemoryCap);
        optional(batchNormDecay, v -> v > 0 && v < 1,
                "--batch-norm-decay must be in (0, 1) (omit it for the family's), got " + fmt(batchNormDecay));
        try {
            StorageLevel.fromString(storageLevel);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown --storage-level '" + storageLevel
                    + "' (e.g. MEMORY_ONLY, MEMORY_AND_DISK, MEMORY_AND_DISK_SER, DISK_ONLY)");
        }
        TrainingRecipe.of(recipe);
    }

    /** The {@code time-budget}, or null when the run lasts {@code epochs}. */
    public TimeBudget budget() {
        return TimeBudget.parse(timeBudget, TimeBudget.CALIBRATION_ROUNDS);
    }

    /** The seed of data order, training-time sampling and dropout: {@code sampling-seed}, or {@code seed} when absent. */
    public long effectiveSamplingSeed() {
        return samplingSeed != null ? samplingSeed : seed;
    }

    /**
     * The side of the network's input for examples stored at {@code storedSize}: {@code input-size}, or the stored
     * size when it is omitted (null).
     */
    public int effectiveInputSize(int storedSize) {
        return inputSize != null ? inputSize : storedSize;
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

    /** The recipe's step decay with lr-decay-factor / lr-decay-epochs applied (a recipe's other shape is kept). */
    private Decay stepDecay(Decay recipes) {
        if (!(recipes instanceof Decay.Step step)) {
            return lrDecayFactor == null && lrDecayEpochs == null ? recipes
                    : new Decay.Step(or(lrDecayFactor, 1.0), or(lrDecayEpochs, 1));
        }
        return new Decay.Step(or(lrDecayFactor, step.decayFactor()), or(lrDecayEpochs, step.decayEveryEpochs()));
    }

    /** A number as users write it: {@code 4}, not {@code 4.0}. */
    static String fmt(Double v) {
        return v != null && v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString(v.longValue()) : String.valueOf(v);
    }

    /** An optional key: absent (null) or a value {@code ok} accepts. */
    private static <T> void optional(T value, Predicate<T> ok, String message) {
        require(value == null || ok.test(value), message);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** The recipe with this run's overrides applied and its learning rate halved {@code halvings} times. */
    public TrainingRecipe resolvedRecipe(int halvings) {
        return resolvedRecipe(halvings, 0);
    }

    /**
     * The recipe of this run after {@code halvings} learning-rate halvings, its schedule laid out over {@code epochs}
     * with {@code stepsPerEpoch} optimizer steps per epoch (0: the schedule moves at whole epochs only).
     */
    public TrainingRecipe resolvedRecipe(int halvings, int stepsPerEpoch) {
        return resolvedRecipe(halvings, stepsPerEpoch, epochs);
    }

    /**
     * As {@link #resolvedRecipe(int, int)}, with the schedule laid out over {@code scheduleEpochs} instead of
     * {@code epochs} (what a time budget chose; a step decay keeps its period).
     */
    public TrainingRecipe resolvedRecipe(int halvings, int stepsPerEpoch, double scheduleEpochs) {
        return resolvedRecipe(halvings, stepsPerEpoch, scheduleEpochs, List.of());
    }

    /**
     * As {@link #resolvedRecipe(int, int, double)}, for a run whose time budget then re-planned its length: the decay
     * stays laid out over {@code scheduleEpochs} (the first plan) and a {@link ScheduleWarp} stretches what was left of
     * it at each re-plan over the run's new end, so the rate never jumps and still ends with the last round. A
     * {@code step} decay keeps its period and ignores the re-plans.
     */
    public TrainingRecipe resolvedRecipe(int halvings, int stepsPerEpoch, double scheduleEpochs,
                                         List<ScheduleWarp.Replan> replans) {
        TrainingRecipe r = resolvedRecipe();
        TrainingRecipe.LearningRate lr = r.learningRate();
        ScheduleWarp warp = lr.decay() instanceof Decay.Step ? ScheduleWarp.NONE
                : ScheduleWarp.of(scheduleEpochs, lr.warmupEpochs(), replans);
        TrainingRecipe.LearningRate laidOut = new TrainingRecipe.LearningRate(Math.scalb(lr.initial(), -halvings),
                lr.decay().withTotalEpochs(scheduleEpochs), lr.warmupEpochs(), stepsPerEpoch, warp);
        return r.withLearningRate(laidOut);
    }

    /**
     * The named recipe with this run's overrides: {@code learning-rate}, the schedule ({@code lr-schedule} over
     * {@code epochs}, or the recipe's step decay with {@code lr-decay-factor}/{@code lr-decay-epochs}),
     * {@code warmup-epochs}, {@code label-smoothing}, {@code gradient-clip}.
     */
    public TrainingRecipe resolvedRecipe() {
        TrainingRecipe r = TrainingRecipe.of(recipe);
        TrainingRecipe.LearningRate lr = r.learningRate();
        double initial = or(learningRate, lr.initial());
        Decay decay = lrSchedule == null || lrSchedule.equals("step")
                ? stepDecay(lr.decay())
                : Decay.of(lrSchedule, epochs, 1, 1);
        r = r.withLearningRate(new TrainingRecipe.LearningRate(initial, decay, or(warmupEpochs, lr.warmupEpochs())));
        if (labelSmoothing != null) {
            r = r.withLabelSmoothing(labelSmoothing);
        }
        if (gradientClip != null) {
            r = r.withGradientClipL2(gradientClip);
        }
        return r;
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
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
                    optional(c, "max-rounds", Config::getLong), optional(c, "time-budget", Config::getString),
                    optional(c, "workers", Config::getInt),
                    c.getInt("batch-size-per-worker"), c.getInt("averaging-frequency"), c.getInt("aggregation-depth"),
                    c.getBoolean("average-updater-state"), c.getString("storage-level"), c.getInt("prefetch"),
                    c.getLong("seed"), c.getBoolean("resume"), c.getInt("checkpoint-every"), c.getString("recipe"),
                    optional(c, "learning-rate", Config::getDouble), optional(c, "lr-decay-factor", Config::getDouble),
                    optional(c, "lr-decay-epochs", Config::getInt), optional(c, "lr-schedule", Config::getString),
                    optional(c, "warmup-epochs", Config::getDouble), optional(c, "label-smoothing", Config::getDouble),
                    optional(c, "gradient-clip", Config::getDouble), optional(c, "weight-decay", Config::getDouble),
                    optional(c, "batch-norm-decay", Config::getDouble), c.getDouble("ema-decay"),
                    c.getInt("validate-every-epochs"), aug, optional(c, "sampling-seed", Config::getLong),
                    c.getString("eval-data"), DivergenceGuard.Policy.of(c.getString("on-divergence")),
                    Kernels.of(c.getString("kernels")), c.getLong("data-memory-cap"),
                    optional(c, "input-size", Config::getInt), c.getString("init-model").trim(),
                    c.root().render(ConfigRenderOptions.defaults().setOriginComments(false).setJson(false)));
        } catch (ConfigException e) {
            throw new IllegalArgumentException("bad setting: " + e.getMessage(), e);
        }
    }

    /** An optional key's value, or null when the config omits it or sets it to null. */
    private static <T> T optional(Config c, String key, BiFunction<Config, String, T> get) {
        return c.hasPath(key) ? get.apply(c, key) : null;
    }
}
