package io.sparkinception.trainer.training;

import java.io.IOException;
import java.io.PrintStream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Applies {@link DivergenceGuard}'s verdict on each round: a skipped round is discarded (the graph goes back to the
 * parameters and updater state it started from) and recorded; a stop writes the metrics and ends the run with a
 * {@link TrainingDivergedException}. Must come first among the listeners: the others see whether the round was kept.
 */
final class DivergenceListener implements TrainingLoop.Listener {
    private final DivergenceGuard guard;
    private final boolean checkUpdater;
    private final ComputationGraph graph;
    private final MetricsLog metrics;
    private final String out;
    private final PrintStream log;

    DivergenceListener(DivergenceGuard guard, boolean checkUpdater, ComputationGraph graph,
                       MetricsLog metrics, String out, PrintStream log) {
        this.guard = guard;
        this.checkUpdater = checkUpdater;
        this.graph = graph;
        this.metrics = metrics;
        this.out = out;
        this.log = log;
    }

    @Override
    public void afterRound(TrainingLoop.Round round) throws IOException {
        DivergenceGuard.Verdict verdict = guard.check(round.number(), round.result().aggregate(), checkUpdater);
        if (verdict.action() == DivergenceGuard.Action.KEEP) {
            return;
        }
        log.println("train: " + verdict.message());
        metrics.add(verdict.event());
        if (verdict.action() == DivergenceGuard.Action.STOP) {
            metrics.write();
            throw new TrainingDivergedException(round.number(), verdict.message() + ". The last good checkpoint stays"
                    + " checkpoints/latest (" + out + "/checkpoints); resume from it with a lower --learning-rate or"
                    + " --on-divergence skip-round-and-halve-lr");
        }
        restore(graph, round.before());
        round.discard();
    }

    /** Puts back the parameters and updater state a discarded round started from. */
    static void restore(ComputationGraph g, RoundState before) {
        g.setParams(Nd4j.create(before.params(), g.params().shape()));
        var view = PartitionTrainer.updaterView(g);
        if (view != null && view.length() > 0) {
            view.assign(Nd4j.create(before.updaterState(), view.shape()));
        }
    }
}
