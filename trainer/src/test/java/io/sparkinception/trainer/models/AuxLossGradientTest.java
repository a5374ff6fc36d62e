package io.sparkinception.trainer.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** GoogLeNet's auxiliary losses weigh 0.3 in the score and in the gradient; checked by hand and by finite differences. */
@org.junit.jupiter.api.extension.ExtendWith(DoublePrecision.class)
class AuxLossGradientTest {

    /** GoogLeNet, 32 px, width 1/16 (floor 4), 3 classes, aux heads on; no dropout or weight decay, double precision. */
    private static ModelSpec tinySpec(double auxWeight) {
        return ModelSpec.defaults(ModelFamily.GOOGLENET, 3).withInputSize(32).withWidth(0.0625, 4).withDropout(0, 0)
                .withAuxLossWeight(auxWeight).withLayerDefaults(LayerDefaults.STANDARD.withWeightDecay(0))
                .withRecipe(TrainingRecipe.ADAM);
    }

    private static ComputationGraph tinyGraph(double auxWeight) {
        return InceptionZoo.build(tinySpec(auxWeight)).convertDataType(DataType.DOUBLE);
    }

    private static MultiDataSet batch(ComputationGraph graph) {
        INDArray x = ZooTestSupport.images(8, 8, 32, 3, DataType.DOUBLE);
        return InceptionZoo.withLabelsForEveryOutput(graph, x, ZooTestSupport.cyclicLabels(8, 3, DataType.DOUBLE));
    }

    @Test
    void scoreIsMainLossPlusPointThreeTimesEachAuxLoss() {
        ComputationGraph graph = tinyGraph(0.3);
        MultiDataSet data = batch(graph);
        INDArray[] out = graph.output(true, data.getFeatures(0));
        assertEquals(List.of("Logits", "AuxLogits_4b", "AuxLogits_4e"), graph.getConfiguration().getNetworkOutputs());
        INDArray y = data.getLabels(0);
        double main = crossEntropy(out[0], y);
        double aux1 = crossEntropy(out[1], y);
        double aux2 = crossEntropy(out[2], y);
        assertEquals(main + 0.3 * aux1 + 0.3 * aux2, graph.score(data, true), 1e-9);
    }

    @Test
    void auxiliaryClassifierGradientsScaleWithTheLossWeight() {
        // The same initialization with weights 0.3 and 1.0: an auxiliary output layer's gradient comes from its own
        // loss only, so it must scale exactly by 0.3; the main classifier's must not change.
        ComputationGraph weighted = tinyGraph(0.3);
        ComputationGraph unweighted = tinyGraph(1.0);
        assertEquals(weighted.params(), unweighted.params());
        MultiDataSet data = batch(weighted);
        for (ComputationGraph g : List.of(weighted, unweighted)) {
            g.setInputs(data.getFeatures());
            g.setLabels(data.getLabels());
            g.computeGradientAndScore();
        }
        for (String p : List.of("AuxLogits_4b_W", "AuxLogits_4b_b", "AuxLogits_4e_W", "AuxLogits_4e/Fc_0c_W")) {
            INDArray expected = unweighted.gradient().getGradientFor(p).mul(0.3);
            INDArray actual = weighted.gradient().getGradientFor(p);
            assertTrue(expected.equalsWithEps(actual, 1e-12), p);
            assertTrue(actual.norm2Number().doubleValue() > 0, p + " has a gradient");
        }
        assertTrue(unweighted.gradient().getGradientFor("Logits_W").equalsWithEps(weighted.gradient().getGradientFor("Logits_W"), 1e-12));
    }

    @Test
    void weightedGradientMatchesFiniteDifferences() {
        ComputationGraph graph = tinyGraph(0.3);
        List<FiniteDifferences.Check> checks = FiniteDifferences.check(graph, batch(graph), 1, 42, 1e-6, name -> true);
        // Every weight, bias and batch-norm scale/shift array of the graph, one sampled entry each.
        assertTrue(checks.size() > 150, "checked " + checks.size());
        List<FiniteDifferences.Check> failures = FiniteDifferences.failures(checks, 1e-3, 1e-8);
        assertEquals(List.of(), failures);
    }

    private static double crossEntropy(INDArray probabilities, INDArray labels) {
        return -Transforms.log(probabilities, true).muli(labels).sumNumber().doubleValue() / labels.size(0);
    }
}
