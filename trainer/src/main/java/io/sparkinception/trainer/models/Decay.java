package io.sparkinception.trainer.models;

import java.io.Serializable;
import java.util.Locale;

/**
 * The shape of a learning-rate schedule after its warm-up: a pure multiplier of the initial (peak) rate as a
 * function of training progress in epochs (fractional: epoch 2.5 is the middle of the third epoch).
 *
 * <p>The shapes users of other frameworks expect: the papers' {@link Step} decay, {@link Cosine} annealing
 * (Loshchilov &amp; Hutter's SGDR without restarts), {@link Poly polynomial} decay and Smith's {@link OneCycle}. All but
 * {@code Step} need the run's length in epochs, which the training configuration fills in from {@code epochs} (or
 * from the time budget).
 */
public sealed interface Decay extends Serializable permits Decay.Step, Decay.Cosine, Decay.Poly, Decay.OneCycle {

    /**
     * The multiplier of the initial rate at {@code epoch} (fractional, counted from the start of training), for a
     * schedule whose linear warm-up lasts {@code warmupEpochs}; the warm-up ramp itself is applied by
     * {@link TrainingRecipe.LearningRate}, not here.
     */
    double factor(double epoch, double warmupEpochs);

    /** The same shape over another run length (a no-op for {@link Step}). */
    Decay withTotalEpochs(double totalEpochs);

    /** A short, stable text form: {@code step(0.96,8)}, {@code cosine(30,0)}, {@code poly(30,2,0)}, {@code one-cycle(30,0.3,25,10000)}. */
    String spec();

    /** The name a user writes in {@code lr-schedule}. */
    String name();

    /** Names a user may write in {@code lr-schedule}. */
    static String names() {
        return "step, cosine, poly, one-cycle";
    }

    /**
     * {@code decayFactor ^ floor(epoch / decayEveryEpochs)}: the papers' schedule (GoogLeNet: 0.96 every 8 epochs),
     * counted from epoch 0, whatever the warm-up.
     */
    record Step(double decayFactor, int decayEveryEpochs) implements Decay {
        public Step {
            if (!(decayFactor > 0 && decayFactor <= 1)) {
                throw new IllegalArgumentException("learning-rate decayFactor must be in (0, 1] (1: constant), got " + decayFactor);
            }
            if (decayEveryEpochs <= 0) {
                throw new IllegalArgumentException("decayEveryEpochs must be positive, got " + decayEveryEpochs);
            }
        }

        @Override
        public double factor(double epoch, double warmupEpochs) {
            return Math.pow(decayFactor, Math.floor(epoch / decayEveryEpochs));
        }

        @Override
        public Decay withTotalEpochs(double totalEpochs) {
            return this;
        }

        @Override
        public String spec() {
            return "step(" + decayFactor + "," + decayEveryEpochs + ")";
        }

        @Override
        public String name() {
            return "step";
        }
    }

    /**
     * Half a cosine from 1 at the end of the warm-up to {@code finalFraction} at {@code totalEpochs}:
     * {@code f + (1 - f) (1 + cos(pi p)) / 2} with {@code p} the progress after the warm-up, clamped to [0, 1].
     */
    record Cosine(double totalEpochs, double finalFraction) implements Decay {
        public Cosine {
            checkTotal(totalEpochs);
            checkFraction(finalFraction, "finalFraction");
        }

        @Override
        public double factor(double epoch, double warmupEpochs) {
            double p = progress(epoch, warmupEpochs, totalEpochs);
            return finalFraction + (1 - finalFraction) * 0.5 * (1 + Math.cos(Math.PI * p));
        }

        @Override
        public Decay withTotalEpochs(double total) {
            return new Cosine(total, finalFraction);
        }

        @Override
        public String spec() {
            return "cosine(" + totalEpochs + "," + finalFraction + ")";
        }

        @Override
        public String name() {
            return "cosine";
        }
    }

    /** {@code f + (1 - f) (1 - p)^power} with {@code p} the progress after the warm-up, clamped to [0, 1]. */
    record Poly(double totalEpochs, double power, double finalFraction) implements Decay {
        public Poly {
            checkTotal(totalEpochs);
            if (!(power > 0 && Double.isFinite(power))) {
                throw new IllegalArgumentException("poly power must be a finite number > 0, got " + power);
            }
            checkFraction(finalFraction, "finalFraction");
        }

        @Override
        public double factor(double epoch, double warmupEpochs) {
            double p = progress(epoch, warmupEpochs, totalEpochs);
            return finalFraction + (1 - finalFraction) * Math.pow(1 - p, power);
        }

        @Override
        public Decay withTotalEpochs(double total) {
            return new Poly(total, power, finalFraction);
        }

        @Override
        public String spec() {
            return "poly(" + totalEpochs + "," + power + "," + finalFraction + ")";
        }

        @Override
        public String name() {
            return "poly";
        }
    }

    /**
     * Smith's one-cycle policy (PyTorch's {@code OneCycleLR} with cosine annealing): from {@code 1/startDivisor} up
     * to 1 over the first {@code peakFraction} of the run, then down to {@code 1/(startDivisor * finalDivisor)} at its
     * end, both halves cosine-shaped. It is its own warm-up: a separate warm-up is refused with it. Deviation: the
     * momentum is not cycled (DL4J's Nesterov updater takes a momentum schedule, but the papers' recipes keep it fixed
     * and we have not measured the gain).
     */
    record OneCycle(double totalEpochs, double peakFraction, double startDivisor, double finalDivisor) implements Decay {
        public OneCycle {
            checkTotal(totalEpochs);
            if (!(peakFraction > 0 && peakFraction < 1)) {
                throw new IllegalArgumentException("one-cycle peakFraction must be in (0, 1), got " + peakFraction);
            }
            if (!(startDivisor >= 1 && finalDivisor >= 1 && Double.isFinite(startDivisor) && Double.isFinite(finalDivisor))) {
                throw new IllegalArgumentException("one-cycle divisors must be finite and >= 1, got " + startDivisor
                        + " and " + finalDivisor);
            }
        }

        /** PyTorch's defaults: peak at 30 % of the run, start at 1/25 of the peak, end at 1/(25 * 10^4). */
        public static OneCycle of(double totalEpochs) {
            return new OneCycle(totalEpochs, 0.3, 25, 1e4);
        }

        @Override
        public double factor(double epoch, double warmupEpochs) {
            double p = Math.min(1, Math.max(0, epoch / totalEpochs));
            double start = 1 / startDivisor;
            double end = start / finalDivisor;
            if (p < peakFraction) {
                return cosineBetween(start, 1, p / peakFraction);
            }
            return cosineBetween(1, end, (p - peakFraction) / (1 - peakFraction));
        }

        private static double cosineBetween(double from, double to, double t) {
            return to + (from - to) * 0.5 * (1 + Math.cos(Math.PI * t));
        }

        @Override
        public Decay withTotalEpochs(double total) {
            return new OneCycle(total, peakFraction, startDivisor, finalDivisor);
        }

        @Override
        public String spec() {
            return "one-cycle(" + totalEpochs + "," + peakFraction + "," + startDivisor + "," + finalDivisor + ")";
        }

        @Override
        public String name() {
            return "one-cycle";
        }
    }

    /**
     * The shape named {@code name} over {@code totalEpochs}: {@code cosine} and {@code poly} (power 2) decay to 0,
     * {@code one-cycle} uses {@link OneCycle#of}; {@code step} takes the factor and period given.
     */
    static Decay of(String name, double totalEpochs, double stepFactor, int stepEveryEpochs) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (n) {
            case "step" -> new Step(stepFactor, stepEveryEpochs);
            case "cosine" -> new Cosine(totalEpochs, 0);
            case "poly" -> new Poly(totalEpochs, 2, 0);
            case "one-cycle" -> OneCycle.of(totalEpochs);
            default -> throw new IllegalArgumentException("unknown lr-schedule '" + name + "'; known: " + names());
        };
    }

    private static double progress(double epoch, double warmupEpochs, double totalEpochs) {
        double span = totalEpochs - warmupEpochs;
        if (span <= 0) {
            return 1;
        }
        return Math.min(1, Math.max(0, (epoch - warmupEpochs) / span));
    }

    private static void checkTotal(double totalEpochs) {
        if (!(totalEpochs > 0 && Double.isFinite(totalEpochs))) {
            throw new IllegalArgumentException("a decaying schedule needs the run's length: totalEpochs must be > 0, got "
                    + totalEpochs);
        }
    }

    private static void checkFraction(double f, String what) {
        if (!(f >= 0 && f < 1)) {
            throw new IllegalArgumentException(what + " must be in [0, 1), got " + f);
        }
    }
}
