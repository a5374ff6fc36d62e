package io.sparkinception.trainer.models;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;

/** The graph evaluation and scoring use: the trained graph without its auxiliary classifiers. */
public final class InferenceExport {

    private InferenceExport() {
    }

    /**
     * A new graph holding only the vertices the main classifier ({@code Logits}) depends on, with copies of the trained
     * parameters (batch-norm running statistics included), matched by vertex name. Its single output is
     * {@code Logits}; in inference mode it gives the same probabilities as the trained graph's first output. The
     * trained graph is not modified. A graph without auxiliary heads comes back as a copy.
     *
     * @throws IllegalArgumentException if {@code trained} has no output named {@code Logits}
     */
    public static ComputationGraph withoutAuxHeads(ComputationGraph trained) {
        ComputationGraphConfiguration conf = trained.getConfiguration();
        if (!conf.getNetworkOutputs().contains(Names.LOGITS)) {
            throw new IllegalArgumentException("not a zoo graph: no output named '" + Names.LOGITS + "' among "
                    + conf.getNetworkOutputs());
        }
        Set<String> keep = ancestorsOf(Names.LOGITS, conf.getVertexInputs());
        ComputationGraphConfiguration.GraphBuilder builder = new ComputationGraphConfiguration.GraphBuilder(conf,
                new NeuralNetConfiguration.Builder().seed(conf.getDefaultConfiguration().getSeed())
                        .dataType(conf.getDataType())
                        .trainingWorkspaceMode(conf.getTrainingWorkspaceMode())
                        .inferenceWorkspaceMode(conf.getInferenceWorkspaceMode()));
        for (String vertex : List.copyOf(conf.getVertices().keySet())) {
            if (!keep.contains(vertex)) {
                builder.removeVertex(vertex, true);
            }
        }
        ComputationGraphConfiguration inference = builder.build();
        inference.setIterationCount(conf.getIterationCount());
        inference.setEpochCount(conf.getEpochCount());

        ComputationGraph graph = new ComputationGraph(inference);
        graph.init();
        for (Layer layer : graph.getLayers()) {
            if (layer.numParams() > 0) {
                String name = layer.conf().getLayer().getLayerName();
                layer.setParams(trained.getLayer(name).params().dup());
            }
        }
        return graph;
    }

    /** {@code output} and every vertex it (transitively) reads, the network input included. */
    private static Set<String> ancestorsOf(String output, Map<String, List<String>> vertexInputs) {
        Set<String> seen = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(output));
        while (!todo.isEmpty()) {
            String v = todo.pop();
            if (seen.add(v)) {
                todo.addAll(vertexInputs.getOrDefault(v, List.of()));
            }
        }
        return seen;
    }
}
