package io.sparkinception.trainer.training;

import java.io.IOException;
import java.util.function.Supplier;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Writes a checkpoint (and {@code metrics.jsonl}) every {@code checkpoint-every} rounds and after the last one.
 * Comes after the listeners whose state it saves (progress, EMA, divergence, time budget, validation).
 */
final class CheckpointListener implements TrainingLoop.Listener {
    private final Checkpoints checkpoints;
    private final int every;
    private final ComputationGraph graph;
    private final ProgressListener progress;
    private final EmaListener ema;
    private final DivergenceGuard guard;
    private final RunClock clock;
    private final MetricsLog metrics;
    private final Supplier<BudgetDecision> budget;

    /**
     * @param ema    the EMA listener, or null when EMA is off
     * @param budget the time budget's decision, recorded in every checkpoint (null: none yet)
     */
    CheckpointListener(Checkpoints checkpoints, int every, ComputationGraph graph, ProgressListener progress,
                       EmaListener ema, DivergenceGuard guard, RunClock clock, MetricsLog metrics, Supplier<BudgetDecision> budget) {
        this.checkpoints = checkpoints;
        this.every = every;
        this.graph = graph;
        this.progress = progress;
        this.ema = ema;
        this.guard = guard;
        this.clock = clock;
        this.metrics = metrics;
        this.budget = budget;
    }

    @Override
    public void afterRound(TrainingLoop.Round round) throws IOException {
        if (round.number() % every != 0 && !round.isLast()) {
            return;
        }
        checkpoints.write(graph, new Checkpoints.State(round.number(), progress.examplesSeen(), clock.wallSeconds(),
                metrics.lines(), ema == null ? null : ema.ema(), guard.halvings(), budget.get()));
        metrics.write();
    }
}
