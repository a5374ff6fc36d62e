package io.sparkinception.trainer.training;

import org.deeplearning4j.nn.graph.ComputationGraph;

/** Keeps the exponential moving average (Polyak average) of the parameters over the kept rounds. */
final class EmaListener implements TrainingLoop.Listener {
    private final double decay;
    private final ComputationGraph graph;
    private final float[] ema;

    /** @param ema the average so far (from a checkpoint) or the initial parameters; updated in place */
    EmaListener(double decay, ComputationGraph graph, float[] ema) {
        this.decay = decay;
        this.graph = graph;
        this.ema = ema;
    }

    @Override
    public void afterRound(TrainingLoop.Round round) {
        if (!round.kept()) {
            return;
        }
        float[] p = graph.params().toFloatVector();
        // TensorFlow's ExponentialMovingAverage(num_updates): a short run is not dominated by the random
        // initialization.
        float d = (float) Math.min(decay, (1.0 + round.index()) / (10.0 + round.index()));
        for (int i = 0; i < p.length; i++) {
            ema[i] = d * ema[i] + (1 - d) * p[i];
        }
    }

    /** The average (the live array: copy it to keep a snapshot). */
    float[] ema() {
        return ema;
    }
}
