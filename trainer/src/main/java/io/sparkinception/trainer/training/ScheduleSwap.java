package io.sparkinception.trainer.training;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Puts a new learning-rate schedule into the driver's graph configuration, so the model files and checkpoints it
 * writes carry the schedule the workers train with (after a halving, or when a time budget laid it out or re-planned it). Only the
 * configuration changes: the driver never fits, and its parameters and updater state (same updater, same layout)
 * are untouched.
 */
final class ScheduleSwap {
    private ScheduleSwap() {
    }

    /** Copies every layer's updaters from {@code laidOut} (the same graph with another schedule) into {@code driver}. */
    static void adopt(ComputationGraph driver, ComputationGraphConfiguration laidOut) {
        for (var e : driver.getConfiguration().getVertices().entrySet()) {
            GraphVertex from = laidOut.getVertices().get(e.getKey());
            if (e.getValue() instanceof LayerVertex to && to.getLayerConf().getLayer() instanceof BaseLayer target
                    && from instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof BaseLayer source) {
                target.setIUpdater(source.getIUpdater());
                target.setBiasUpdater(source.getBiasUpdater());
            }
        }
    }
}
