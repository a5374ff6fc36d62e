package io.sparkinception.trainer.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;

/** The inference graph drops the auxiliary heads and predicts exactly what the trained graph's main head does. */
class InferenceExportTest {

    @Test
    void trainedGoogLeNetAndItsInferenceGraphAgree() {
        ModelSpec spec = ZooTestSupport.tiny(ModelFamily.GOOGLENET).withInputSize(48);
        ComputationGraph trained = InceptionZoo.build(spec);
        INDArray x = ZooTestSupport.images(3, 6, 48, 3, DataType.FLOAT);
        MultiDataSet data = InceptionZoo.withLabelsForEveryOutput(trained, x, ZooTestSupport.cyclicLabels(6, 3, DataType.FLOAT));
        for (int i = 0; i < 3; i++) {
            trained.fit(data); // moves the parameters and the batch-norm running statistics away from their initial values
        }
        ComputationGraph inference = InferenceExport.withoutAuxHeads(trained);

        assertEquals(List.of("Logits"), inference.getConfiguration().getNetworkOutputs());
        assertFalse(inference.getConfiguration().getVertices().keySet().stream().anyMatch(n -> n.startsWith("AuxLogits")));
        assertEquals(ModelReports.describe(spec.withAuxHeads(false)).parameters().total(), inference.numParams());
        assertEquals(3, trained.getNumOutputArrays(), "the trained graph is left alone");
        assertEquals(trained.getConfiguration().getEpochCount(), inference.getConfiguration().getEpochCount());

        INDArray expected = trained.output(false, x)[ZooGraph.MAIN_OUTPUT];
        INDArray actual = inference.outputSingle(false, x);
        assertTrue(expected.equalsWithEps(actual, 1e-6), expected + " vs " + actual);
        assertTrue(trained.getParam("Mixed_4b/Branch_1/Conv2d_0b_3x3_mean")
                .equals(inference.getParam("Mixed_4b/Branch_1/Conv2d_0b_3x3_mean")));
    }

    @Test
    void inceptionV3WithItsSingleAuxHead() {
        ModelSpec spec = ZooTestSupport.tiny(ModelFamily.INCEPTION_V3);
        ComputationGraph trained = InceptionZoo.build(spec);
        ComputationGraph inference = InferenceExport.withoutAuxHeads(trained);
        INDArray x = ZooTestSupport.images(4, 2, 75, 3, DataType.FLOAT);
        assertEquals(1, inference.getNumOutputArrays());
        assertTrue(trained.output(false, x)[0].equalsWithEps(inference.outputSingle(false, x), 1e-6));
        assertEquals(ModelReports.describe(spec.withAuxHeads(false)).parameters().total(), inference.numParams());
    }

    @Test
    void rejectsGraphsWithoutLogits() {
        ComputationGraph notZoo = new ComputationGraph(new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
                .graphBuilder().addInputs("in")
                .addLayer("out", new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder().nIn(2).nOut(2).build(), "in")
                .setOutputs("out").build());
        notZoo.init();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InferenceExport.withoutAuxHeads(notZoo));
        assertEquals("not a zoo graph: no output named 'Logits' among [out]", e.getMessage());
    }
}
