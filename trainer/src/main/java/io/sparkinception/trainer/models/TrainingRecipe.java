package io.sparkinception.trainer.models;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.linalg.schedule.StepSchedule;

/**
 * How a family is trained, as data: the optimizer, a learning-rate schedule, gradient clipping and label
 * smoothing. The named recipes are the papers'; {@link #of(String)} looks them up by name.
 *
 * @param name           the name {@link #of(String)} knows the recipe by
 * @param optimizer      the update rule and its constants
 * @param learningRate   initial rate, warm-up and decay shape (step, cosine, poly or one-cycle)
 * @param gradientClipL2 0 for none, else each layer's gradient is rescaled to this L2 norm when larger (DL4J's
 *                       {@code ClipL2PerLayer}). Deviation: the Rethinking paper (and slim's
 *                       {@code clip_gradient_norm}) clips the norm of all gradients together; DL4J has no global-norm
 *                       clipping, and per layer is the closest it offers (it clips less: each layer may reach the norm)
 * @param labelSmoothing 0 for none, else the epsilon of label smoothing: {@code y' = (1 - eps) y + eps / K}, applied
 *                       by {@link LabelSmoothingCrossEntropy} to the main and the auxiliary classifiers alike
 */
public record TrainingRecipe(String name, Optimizer optimizer, LearningRate learningRate, double gradientClipL2,
                             double labelSmoothing) implements Serializable {

    /**
     * GoogLeNet's recipe: momentum 0.9, learning rate decreased by 4% every 8 epochs. The paper gives no initial rate;
     * 0.01 is the base rate of Caffe's reference GoogLeNet solver. Deviations: DL4J offers Nesterov momentum but not
     * classical momentum; the paper's asynchronous SGD and Polyak averaging are the distributed trainer's business.
     */
    public static final TrainingRecipe SGD_MOMENTUM = new TrainingRecipe("sgd-momentum", new NesterovMomentum(0.9),
            new LearningRate(0.01, 0.96, 8), 0, 0);

    /**
     * Inception v3's recipe (also used for v4 and Inception-ResNet-v2): RMSProp with decay 0.9 and epsilon 1.0,
     * learning rate 0.045 decayed by 0.94 every 2 epochs, gradient clipping at 2.0, label smoothing 0.1.
     * Deviations: DL4J's RMSProp divides by {@code sqrt(ms) + eps} where TensorFlow divides by {@code sqrt(ms + eps)}
     * (with eps = 1 both damp small second moments; the step sizes differ), and it has no momentum term (slim's
     * training script adds momentum 0.9).
     */
    public static final TrainingRecipe RMSPROP = new TrainingRecipe("rmsprop", new RmsProp(0.9, 1.0),
            new LearningRate(0.045, 0.94, 2), 2.0, 0.1);

    /** The small-data recipe of the reviewed Inception-ResNet-v2 experiment: Adam, constant learning rate 0.001. */
    public static final TrainingRecipe ADAM = new TrainingRecipe("adam", new Adam(0.9, 0.999, 1e-8),
            LearningRate.constant(0.001), 0, 0);

    private static final List<TrainingRecipe> NAMED = List.of(SGD_MOMENTUM, RMSPROP, ADAM);

    public TrainingRecipe {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a training recipe needs a name");
        }
        if (optimizer == null || learningRate == null) {
            throw new IllegalArgumentException("training recipe '" + name + "' needs an optimizer and a learning rate");
        }
        if (!(gradientClipL2 >= 0 && Double.isFinite(gradientClipL2))) {
            throw new IllegalArgumentException("gradientClipL2 must be >= 0 (0: no clipping), got " + gradientClipL2);
        }
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw new IllegalArgumentException("labelSmoothing must be in [0, 1), got " + labelSmoothing);
        }
    }

    /** The named recipe: {@code sgd-momentum}, {@code rmsprop} or {@code adam} (case-insensitive). */
    public static TrainingRecipe of(String name) {
        String wanted = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (TrainingRecipe r : NAMED) {
            if (r.name().equals(wanted)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown training recipe '" + name + "'; known: " + String.join(", ", names()));
    }

    public static List<String> names() {
        return NAMED.stream().map(TrainingRecipe::name).toList();
    }

    /**
     * The DL4J updater with the schedule counted in epochs ({@link ScheduleType#EPOCH}). DL4J reads the epoch from the
     * network's configuration: {@code fit(DataSetIterator)} increments it; a trainer that feeds minibatches itself
     * must call {@code ComputationGraph.incrementEpochCount()} at the end of each epoch, or the rate never decays.
     */
    public IUpdater updater() {
        return optimizer.updater(learningRate.schedule(ScheduleType.EPOCH, 1), learningRate.initial());
    }

    /** The DL4J updater with the schedule counted in iterations, {@code iterationsPerEpoch} of them per epoch. */
    public IUpdater updater(int iterationsPerEpoch) {
        if (iterationsPerEpoch <= 0) {
            throw new IllegalArgumentException("iterationsPerEpoch must be positive, got " + iterationsPerEpoch);
        }
        return optimizer.updater(learningRate.schedule(ScheduleType.ITERATION, iterationsPerEpoch), learningRate.initial());
    }

    public TrainingRecipe withLearningRate(LearningRate value) {
        return new TrainingRecipe(name, optimizer, value, gradientClipL2, labelSmoothing);
    }

    public TrainingRecipe withLabelSmoothing(double value) {
        return new TrainingRecipe(name, optimizer, learningRate, gradientClipL2, value);
    }

    public TrainingRecipe withGradientClipL2(double value) {
        return new TrainingRecipe(name, optimizer, learningRate, value, labelSmoothing);
    }

    /**
     * A learning-rate schedule: the initial (peak) rate, an optional linear warm-up and a {@link Decay} shape. The
     * rate at fractional epoch {@code e} is {@code initial * warm(e) * decay.factor(e)}, with
     * {@code warm(e) = min(1, (e + one step) / warmupEpochs)} during the warm-up (so the first step is not 0) and 1
     * after it.
     *
     * @param warmupEpochs  0 for none; refused with {@link Decay.OneCycle}, which is its own warm-up
     * @param stepsPerEpoch the run's optimizer steps per epoch, so warm-up and the smooth shapes move every step; 0
     *                      when unknown (the schedule then moves at whole epochs)
     * @param warp          where the decay stands at each epoch of a run whose length a time budget re-planned
     *                      ({@link ScheduleWarp#NONE}: at the epoch itself); the warm-up ramp is not warped (it keeps
     *                      its length in epochs), and a {@link Decay.Step} decay, which keeps its period, takes none
     */
    public record LearningRate(double initial, Decay decay, double warmupEpochs, int stepsPerEpoch, ScheduleWarp warp)
            implements Serializable {
        private static final Pattern SPEC = Pattern.compile(
                "initial=(\\S+) warmup=(\\S+) decay=([a-z-]+)\\(([^)]*)\\)(?: warp=(\\S+))?");

        public LearningRate {
            if (!(initial > 0 && Double.isFinite(initial))) {
                throw new IllegalArgumentException("initial learning rate must be a finite number > 0, got " + initial);
            }
            if (decay == null) {
                throw new IllegalArgumentException("a learning rate needs a decay shape (step with factor 1 for a constant rate)");
            }
            if (!(warmupEpochs >= 0 && Double.isFinite(warmupEpochs))) {
                throw new IllegalArgumentException("warm-up epochs must be a finite number >= 0, got " + warmupEpochs);
            }
            if (stepsPerEpoch < 0) {
                throw new IllegalArgumentException("stepsPerEpoch must be >= 0 (0: unknown), got " + stepsPerEpoch);
            }
            if (warmupEpochs > 0 && decay instanceof Decay.OneCycle) {
                throw new IllegalArgumentException("one-cycle has its own warm-up; leave the warm-up out (got "
                        + warmupEpochs + " epochs)");
            }
            warp = warp == null ? ScheduleWarp.NONE : warp;
            if (!warp.isIdentity() && decay instanceof Decay.Step) {
                throw new IllegalArgumentException("a step decay keeps its period: it takes no schedule warp, got "
                        + warp.spec());
            }
        }

        /** A schedule of one length (no re-plan). */
        public LearningRate(double initial, Decay decay, double warmupEpochs, int stepsPerEpoch) {
            this(initial, decay, warmupEpochs, stepsPerEpoch, ScheduleWarp.NONE);
        }

        /** A schedule whose steps per epoch are not known yet. */
        public LearningRate(double initial, Decay decay, double warmupEpochs) {
            this(initial, decay, warmupEpochs, 0);
        }

        /** A step schedule without warm-up: {@code initial * decayFactor ^ floor(epoch / decayEveryEpochs)}. */
        public LearningRate(double initial, double decayFactor, int decayEveryEpochs) {
            this(initial, new Decay.Step(decayFactor, decayEveryEpochs), 0);
        }

        public static LearningRate constant(double value) {
            return new LearningRate(value, 1.0, 1);
        }

        public boolean isConstant() {
            return warmupEpochs == 0 && decay instanceof Decay.Step s && s.decayFactor() == 1.0;
        }

        /** The step decay's factor; only for a {@link Decay.Step} schedule. */
        public double decayFactor() {
            return step().decayFactor();
        }

        /** The step decay's period in epochs; only for a {@link Decay.Step} schedule. */
        public int decayEveryEpochs() {
            return step().decayEveryEpochs();
        }

        private Decay.Step step() {
            if (decay instanceof Decay.Step s) {
                return s;
            }
            throw new IllegalStateException("a " + decay.name() + " schedule has no step decay factor or period");
        }

        public LearningRate withInitial(double value) {
            return new LearningRate(value, decay, warmupEpochs, stepsPerEpoch, warp);
        }

        public LearningRate withStepsPerEpoch(int value) {
            return new LearningRate(initial, decay, warmupEpochs, value, warp);
        }

        public LearningRate withWarp(ScheduleWarp value) {
            return new LearningRate(initial, decay, warmupEpochs, stepsPerEpoch, value);
        }

        /**
         * The rate at fractional {@code epoch}, for a run whose steps each cover {@code stepEpochs} of an epoch
         * (1 / iterations per epoch; 1 when the schedule only sees whole epochs).
         */
        public double at(double epoch, double stepEpochs) {
            double warm = warmupEpochs > 0 ? Math.min(1, (epoch + stepEpochs) / warmupEpochs) : 1;
            return initial * warm * decay.factor(warp.scheduleEpoch(epoch), warmupEpochs);
        }

        /** The rate during the given (0-based) whole epoch, as a schedule that sees only whole epochs applies it. */
        public double atEpoch(int epoch) {
            return at(epoch, 1);
        }

        /**
         * Stable text form, read back by {@link #parse}: {@code initial=0.01 warmup=1.0 decay=cosine(30.0,0.0)}, with
         * {@code  warp=...} ({@link ScheduleWarp#spec}) after a re-plan only.
         */
        public String spec() {
            return "initial=" + initial + " warmup=" + warmupEpochs + " decay=" + decay.spec()
                    + (warp.isIdentity() ? "" : " warp=" + warp.spec());
        }

        /** The inverse of {@link #spec()}. */
        public static LearningRate parse(String spec) {
            Matcher m = SPEC
                    .matcher(spec);
            if (!m.matches()) {
                throw new IllegalArgumentException("not a learning-rate spec: '" + spec + "'");
            }
            double[] a = Arrays.stream(m.group(4).split(",")).mapToDouble(Double::parseDouble).toArray();
            Decay decay = switch (m.group(3)) {
                case "step" -> new Decay.Step(a[0], (int) a[1]);
                case "cosine" -> new Decay.Cosine(a[0], a[1]);
                case "poly" -> new Decay.Poly(a[0], a[1], a[2]);
                case "one-cycle" -> new Decay.OneCycle(a[0], a[1], a[2], a[3]);
                default -> throw new IllegalArgumentException("unknown decay in learning-rate spec: '" + spec + "'");
            };
            return new LearningRate(Double.parseDouble(m.group(1)), decay, Double.parseDouble(m.group(2)), 0,
                    ScheduleWarp.parse(m.group(5)));
        }

        /**
         * Null for a constant rate; DL4J's own {@link StepSchedule} for a step schedule without warm-up (as before
         * the other shapes existed); else a {@link RateSchedule} evaluating {@link #at}.
         */
        ISchedule schedule(ScheduleType unit, int iterationsPerEpoch) {
            if (isConstant()) {
                return null;
            }
            if (warmupEpochs == 0 && decay instanceof Decay.Step s) {
                return new StepSchedule(unit, initial, s.decayFactor(), (double) s.decayEveryEpochs() * iterationsPerEpoch);
            }
            int steps = stepsPerEpoch > 0 ? stepsPerEpoch : unit == ScheduleType.ITERATION ? iterationsPerEpoch : 0;
            return new RateSchedule(spec(), steps);
        }
    }

    /** An update rule and its constants. */
    public sealed interface Optimizer extends Serializable permits NesterovMomentum, RmsProp, Adam {
        /** The DL4J updater; {@code schedule} null means the constant {@code learningRate}. */
        IUpdater updater(ISchedule schedule, double learningRate);
    }

    public record NesterovMomentum(double momentum) implements Optimizer {
        public NesterovMomentum {
            if (!(momentum >= 0 && momentum < 1)) {
                throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
            }
        }

        @Override
        public IUpdater updater(ISchedule schedule, double learningRate) {
            return schedule == null ? new Nesterovs(learningRate, momentum) : new Nesterovs(schedule, momentum);
        }
    }

    public record RmsProp(double decay, double epsilon) implements Optimizer {
        public RmsProp {
            if (!(decay > 0 && decay < 1)) {
                throw new IllegalArgumentException("RMSProp decay must be in (0, 1), got " + decay);
            }
            if (!(epsilon > 0 && Double.isFinite(epsilon))) {
                throw new IllegalArgumentException("RMSProp epsilon must be a finite number > 0, got " + epsilon);
            }
        }

        @Override
        public IUpdater updater(ISchedule schedule, double learningRate) {
            org.nd4j.linalg.learning.config.RmsProp u = new org.nd4j.linalg.learning.config.RmsProp(learningRate, decay, epsilon);
            if (schedule != null) {
                u.setLearningRateSchedule(schedule);
            }
            return u;
        }
    }

    public record Adam(double beta1, double beta2, double epsilon) implements Optimizer {
        public Adam {
            if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("Adam betas must be in [0, 1), got " + beta1 + " and " + beta2);
            }
            if (!(epsilon > 0 && Double.isFinite(epsilon))) {
                throw new IllegalArgumentException("Adam epsilon must be a finite number > 0, got " + epsilon);
            }
        }

        @Override
        public IUpdater updater(ISchedule schedule, double learningRate) {
            org.nd4j.linalg.learning.config.Adam u = new org.nd4j.linalg.learning.config.Adam(learningRate, beta1, beta2, epsilon);
            if (schedule != null) {
                u.setLearningRateSchedule(schedule);
            }
            return u;
        }
    }
}
