package io.sparkinception.trainer.training;

import io.sparkinception.trainer.inference.ScorerSettings;
import io.sparkinception.trainer.kernels.Kernels;
import java.io.PrintStream;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Scores the current parameters on the {@code val} split and on {@code eval-data} (each when present) every
 * {@code validate-every-epochs} epochs and after the last round, through {@link Validator}; records a
 * {@link ValidationMetrics} line. After the loop, scores the EMA parameters on {@code val} when EMA is on.
 */
final class ValidationListener implements TrainingLoop.Listener, TimeBudgetListener.Validation {
    /** What to score on and with ({@link Validator#settings}). {@code val} or {@code eval} may be null (not scored). */
    record Sets(JavaSparkContext jsc, JavaRDD<Example> val, EvalData eval, String graphJson, Kernels kernels,
                ScorerSettings scorer) {
        EvalCounts score(JavaRDD<Example> data, float[] params) {
            return Validator.evaluate(jsc, data, graphJson, kernels, params, scorer);
        }
    }

    private final Sets sets;
    private final int everyEpochs;
    private final ComputationGraph graph;
    private final EmaListener ema;
    private final RunClock clock;
    private final MetricsLog metrics;
    private final PrintStream log;
    private EvalCounts lastVal;
    private EvalCounts lastTest;
    private EvalCounts emaVal;
    private long lastScored = -1;
    private double secondsScoring;
    private double lastPassSeconds;

    /** @param ema the EMA listener, or null when EMA is off */
    ValidationListener(Sets sets, int everyEpochs, ComputationGraph graph, EmaListener ema, RunClock clock,
                       MetricsLog metrics, PrintStream log) {
        this.sets = sets;
        this.everyEpochs = everyEpochs;
        this.graph = graph;
        this.ema = ema;
        this.clock = clock;
        this.metrics = metrics;
        this.log = log;
    }

    @Override
    public void afterRound(TrainingLoop.Round round) {
        if (sets.val() == null && sets.eval() == null) {
            return;
        }
        RoundPlan plan = round.plan();
        long i = round.index();
        if (!(round.isLast() || plan.endsEpoch(i) && plan.epochsDoneAfter(i) % everyEpochs == 0) || i == lastScored) {
            return;
        }
        score(round);
    }

    /**
     * Scores the current parameters now, as a validation of this round (a time budget's calibration times one pass);
     * returns the seconds it took, 0 when there is nothing to score. The round is not scored again after it.
     */
    @Override
    public double timedPass(TrainingLoop.Round round) {
        if (sets.val() == null && sets.eval() == null) {
            return 0;
        }
        score(round);
        return lastPassSeconds;
    }

    @Override
    public double secondsScoring() {
        return secondsScoring;
    }

    @Override
    public double lastPassSeconds() {
        return lastPassSeconds;
    }

    /** Scores the round and times the pass (a time budget re-plans with its cost). */
    private void score(TrainingLoop.Round round) {
        double start = clock.loopSeconds();
        scoreNow(round);
        lastPassSeconds = clock.loopSeconds() - start;
        secondsScoring += lastPassSeconds;
    }

    private void scoreNow(TrainingLoop.Round round) {
        RoundPlan plan = round.plan();
        long i = round.index();
        lastScored = i;
        float[] now = graph.params().toFloatVector();
        if (sets.val() != null) {
            sets.jsc().setJobDescription("train: validate after round " + round.number());
            lastVal = sets.score(sets.val(), now);
            log.printf(Locale.ROOT, "train: validation after round %d: %s%n", round.number(), describe(lastVal));
        }
        if (sets.eval() != null) {
            sets.jsc().setJobDescription("train: score eval-data (" + sets.eval().split() + ") after round "
                    + round.number());
            lastTest = sets.score(sets.eval().examples(), now);
            log.printf(Locale.ROOT, "train: eval-data (%s) after round %d: %s%n", sets.eval().split(), round.number(),
                    describe(lastTest));
        }
        metrics.add(ValidationMetrics.of(round.number(), plan.epochAfter(i), lastVal, lastTest, clock.wallSeconds()));
    }

    @Override
    public void afterLoop(long nextRound) {
        if (sets.val() != null && ema != null) {
            emaVal = sets.score(sets.val(), ema.ema());
            log.printf(Locale.ROOT, "train: EMA model validation: top-1 %.4f, top-5 %.4f%n", emaVal.top1Accuracy(),
                    emaVal.top5Accuracy());
        }
    }

    private static String describe(EvalCounts c) {
        return String.format(Locale.ROOT, "top-1 %.4f, top-5 %.4f, loss %.4f (%d examples)", c.top1Accuracy(),
                c.top5Accuracy(), c.meanLoss(), c.examples());
    }

    /** The last validation on {@code val}, or null. */
    EvalCounts lastVal() {
        return lastVal;
    }

    /** The last score on {@code eval-data}, or null. */
    EvalCounts lastTest() {
        return lastTest;
    }

    /** The EMA parameters on {@code val}, or null. */
    EvalCounts emaVal() {
        return emaVal;
    }
}
