package io.sparkinception.trainer.training;

import io.sparkinception.preprocessing.spark.ProgressMonitor;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.IntToDoubleFunction;

/**
 * Counts the examples of kept rounds, logs each kept round (loss, images/s, elapsed, ETA, overheads) and records
 * its {@link RoundMetrics}.
 */
final class ProgressListener implements TrainingLoop.Listener {
    private final long imagesPerRound;
    private final IntToDoubleFunction learningRate;
    private final RunClock clock;
    private final MetricsLog metrics;
    private final PrintStream log;
    private long firstRound = -1;
    private long examplesSeen;

    /**
     * @param imagesPerRound workers x batch size x k
     * @param learningRate   the learning rate of an epoch (0-based), halvings so far included
     * @param examplesSeen   examples of the kept rounds before a resume, 0 for a new run
     */
    ProgressListener(long imagesPerRound, IntToDoubleFunction learningRate, long examplesSeen, RunClock clock,
                     MetricsLog metrics, PrintStream log) {
        this.imagesPerRound = imagesPerRound;
        this.learningRate = learningRate;
        this.examplesSeen = examplesSeen;
        this.clock = clock;
        this.metrics = metrics;
        this.log = log;
    }

    @Override
    public void afterRound(TrainingLoop.Round round) {
        if (firstRound < 0) {
            firstRound = round.index();
        }
        if (!round.kept()) {
            return;
        }
        var r = round.result();
        examplesSeen += r.aggregate().examples();
        RoundPlan plan = round.plan();
        double seconds = clock.loopSeconds();
        long done = round.number() - firstRound;
        double rate = done * (double) imagesPerRound / seconds;
        double eta = seconds / done * (plan.totalRounds() - round.number());
        int epoch = plan.epoch(round.index());
        log.printf(Locale.ROOT, "train: round %d/%d epoch %d/%d loss %.4f | %.1f img/s | elapsed %s | ETA %s | %s%n",
                round.number(), plan.totalRounds(), epoch + 1, plan.epochs(), r.aggregate().meanLoss(), rate,
                ProgressMonitor.formatDuration(clock.wallSeconds()), ProgressMonitor.formatDuration(eta), r.overhead());
        metrics.add(new RoundMetrics(round.number(), plan.epochAfter(round.index()), r.aggregate().meanLoss(),
                learningRate.applyAsDouble(epoch), examplesSeen, rate, r.broadcastNanos() / 1e9, r.roundNanos() / 1e9,
                r.aggregate().fitNanos() / 1e9 / r.aggregate().workers(), r.applyNanos() / 1e9));
    }

    long examplesSeen() {
        return examplesSeen;
    }
}
