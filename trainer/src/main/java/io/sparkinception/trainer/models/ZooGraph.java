package io.sparkinception.trainer.models;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * A configured (not yet initialized) zoo network.
 *
 * @param spec          what it was built from
 * @param configuration the DL4J configuration; its outputs are {@code Logits} first, then the auxiliary heads
 * @param endpoints     the named endpoints in graph order (trunk blocks, {@code Logits}, auxiliary heads)
 * @param auxHeads      the auxiliary classifiers, empty when {@code spec.auxHeads()} is false
 */
public record ZooGraph(ModelSpec spec, ComputationGraphConfiguration configuration, List<String> endpoints,
                       List<AuxHead> auxHeads) {

    /** Index of the main classifier among the graph's outputs. */
    public static final int MAIN_OUTPUT = 0;

    public ZooGraph {
        endpoints = List.copyOf(endpoints);
        auxHeads = List.copyOf(auxHeads);
    }

    /** Allocates and initializes the parameters (seeded by {@code spec.seed()}). */
    public ComputationGraph init() {
        ComputationGraph graph = new ComputationGraph(configuration);
        graph.init();
        return graph;
    }

    /** The activation type leaving every vertex for this spec's input, from DL4J's shape inference (no allocation). */
    public Map<String, InputType> activationTypes() {
        // (addPreprocessors=true, overrideNIn=false): reads the preprocessors and nIn values build() already set
        return configuration.getLayerActivationTypes(true, false, spec.inputType());
    }
}
