package io.sparkinception.trainer.models;

import java.util.Arrays;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;

/** Spec in, graph out. */
public final class InceptionZoo {

    private InceptionZoo() {
    }

    /** The configuration, endpoints and auxiliary heads for {@code spec}, without allocating parameters. */
    public static ZooGraph configure(ModelSpec spec) {
        if (spec == null) {
            throw new IllegalArgumentException("spec is required");
        }
        return spec.family().net().configure(spec);
    }

    /** An initialized graph for {@code spec}, ready to train. */
    public static ComputationGraph build(ModelSpec spec) {
        return configure(spec).init();
    }

    /**
     * A minibatch for a graph with several classifiers: every output (main and auxiliary) gets the same labels. DL4J's
     * {@code fit(DataSet)} refuses graphs with more than one output, so training with auxiliary heads goes through this.
     */
    public static MultiDataSet withLabelsForEveryOutput(ComputationGraph graph, INDArray features, INDArray labels) {
        INDArray[] perOutput = new INDArray[graph.getNumOutputArrays()];
        Arrays.fill(perOutput, labels);
        return new MultiDataSet(new INDArray[] {features}, perOutput);
    }
}
