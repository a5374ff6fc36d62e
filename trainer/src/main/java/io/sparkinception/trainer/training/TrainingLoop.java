package io.sparkinception.trainer.training;

import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * The driver's round loop: snapshot the graph, run one round (through {@link ParameterAveragingMaster} in a real
 * run), then tell every {@link Listener}, in the order given. EMA, validation, checkpoints, divergence handling
 * and metrics are listeners, as Keras callbacks and Lightning hooks are.
 */
public final class TrainingLoop {

    /** Runs one round from the state the graph is in, and leaves the graph at the round's result. */
    @FunctionalInterface
    public interface RoundRunner {
        ParameterAveragingMaster.RoundResult run(RoundState before);
    }

    /** Told about every round; a listener that throws ends the run. */
    public interface Listener {
        void afterRound(Round round) throws IOException;

        /** Once, after the last round (or the one a listener stopped at); {@code nextRound} is 0-based. */
        default void afterLoop(long nextRound) throws IOException {
        }
    }

    /** One finished round as the listeners see it: a listener may discard it or stop the run after it. */
    public static final class Round {
        private final long index;
        private final Supplier<RoundPlan> plan;
        private final RoundState before;
        private final ParameterAveragingMaster.RoundResult result;
        private boolean kept = true;
        private boolean stop;

        Round(long index, Supplier<RoundPlan> plan, RoundState before, ParameterAveragingMaster.RoundResult result) {
            this.index = index;
            this.plan = plan;
            this.before = before;
            this.result = result;
        }

        /** 0-based. */
        public long index() {
            return index;
        }

        /** 1-based, as logs and files count. */
        public long number() {
            return index + 1;
        }

        /** The run's plan as it stands now: a time budget fixes the run's length after its calibration, then re-plans. */
        public RoundPlan plan() {
            return plan.get();
        }

        /** The parameters and updater state the round started from. */
        public RoundState before() {
            return before;
        }

        public ParameterAveragingMaster.RoundResult result() {
            return result;
        }

        /** False once a listener discarded the round (the later listeners see that). */
        public boolean kept() {
            return kept;
        }

        /** Marks the round discarded; the listener that calls this restores the graph. */
        public void discard() {
            kept = false;
        }

        /** Ends the run after this round, once every listener has seen it. */
        public void stop() {
            stop = true;
        }

        boolean stopRequested() {
            return stop;
        }

        public boolean isLast() {
            return plan.get().isLast(index);
        }
    }

    private final ComputationGraph graph;
    private final Supplier<RoundPlan> plan;
    private final RoundRunner runner;
    private final List<Listener> listeners;

    public TrainingLoop(ComputationGraph graph, RoundPlan plan, RoundRunner runner, List<Listener> listeners) {
        this(graph, () -> plan, runner, listeners);
    }

    /** A loop whose plan may change while it runs (a time budget fixing, then re-planning, the run's length). */
    TrainingLoop(ComputationGraph graph, Supplier<RoundPlan> plan, RoundRunner runner, List<Listener> listeners) {
        this.graph = graph;
        this.plan = plan;
        this.runner = runner;
        this.listeners = List.copyOf(listeners);
    }

    /** Runs rounds {@code firstRound} (0-based) to the plan's end; returns the next round to run. */
    public long run(long firstRound) throws IOException {
        long round = firstRound;
        boolean stop = false;
        while (round < plan.get().totalRounds() && !stop) {
            RoundPlan p = plan.get();
            RoundState before = new RoundState(graph.params().toFloatVector(), PartitionTrainer.updaterState(graph),
                    round, p.iteration(round), p.epoch(round));
            Round r = new Round(round, plan, before, runner.run(before));
            for (Listener l : listeners) {
                l.afterRound(r);
            }
            stop = r.stopRequested();
            round++;
        }
        for (Listener l : listeners) {
            l.afterLoop(round);
        }
        return round;
    }
}
