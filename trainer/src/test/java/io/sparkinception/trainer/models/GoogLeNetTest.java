package io.sparkinception.trainer.models;

import static io.sparkinception.trainer.models.ZooTestSupport.endpointShapes;
import static io.sparkinception.trainer.models.ZooTestSupport.shapes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LocalResponseNormalization;
import org.junit.jupiter.api.Test;

/** Structure of {@code googlenet}: endpoints, shapes, exact parameter counts against published references. */
class GoogLeNetTest {

    private static final ModelSpec PAPER_SIZE = ModelSpec.defaults(ModelFamily.GOOGLENET, 1000);

    private static final List<String> TRUNK = List.of("Conv2d_1a_7x7", "MaxPool_2a_3x3", "Conv2d_2b_1x1",
            "Conv2d_2c_3x3", "MaxPool_3a_3x3", "Mixed_3b", "Mixed_3c", "MaxPool_4a_3x3", "Mixed_4b", "Mixed_4c",
            "Mixed_4d", "Mixed_4e", "Mixed_4f", "MaxPool_5a_3x3", "Mixed_5b", "Mixed_5c");

    @Test
    void endpointsAreSlimsNamesThenTheClassifiers() {
        List<String> withAux = new ArrayList<>(TRUNK);
        withAux.addAll(List.of("Logits", "AuxLogits_4b", "AuxLogits_4e"));
        assertEquals(withAux, InceptionZoo.configure(PAPER_SIZE).endpoints());

        List<String> withoutAux = new ArrayList<>(TRUNK);
        withoutAux.add("Logits");
        assertEquals(withoutAux, InceptionZoo.configure(PAPER_SIZE.withAuxHeads(false)).endpoints());
        assertEquals(withoutAux, InceptionZoo.configure(PAPER_SIZE.withAuxHeads(false).withBatchNorm(false)).endpoints());
    }

    @Test
    void shapesAt224MatchThePapersTable() {
        // Table 1 of the paper (output size column), slim names; the auxiliary heads read 14x14x512 and 14x14x528.
        Map<String, String> expected = shapes("Conv2d_1a_7x7=112x112x64", "MaxPool_2a_3x3=56x56x64",
                "Conv2d_2b_1x1=56x56x64", "Conv2d_2c_3x3=56x56x192", "MaxPool_3a_3x3=28x28x192", "Mixed_3b=28x28x256",
                "Mixed_3c=28x28x480", "MaxPool_4a_3x3=14x14x480", "Mixed_4b=14x14x512", "Mixed_4c=14x14x512",
                "Mixed_4d=14x14x512", "Mixed_4e=14x14x528", "Mixed_4f=14x14x832", "MaxPool_5a_3x3=7x7x832",
                "Mixed_5b=7x7x832", "Mixed_5c=7x7x1024", "Logits=1000", "AuxLogits_4b=1000", "AuxLogits_4e=1000");
        assertEquals(expected, endpointShapes(PAPER_SIZE));
        // The auxiliary pooling is the paper's 5x5/3 giving 4x4x512 and 4x4x528.
        Map<String, InputType> types = InceptionZoo.configure(PAPER_SIZE).activationTypes();
        assertEquals("InputTypeConvolutional(h=4,w=4,c=512,NCHW)", types.get("AuxLogits_4b/AvgPool_0a_5x5").toString());
        assertEquals("InputTypeConvolutional(h=4,w=4,c=528,NCHW)", types.get("AuxLogits_4e/AvgPool_0a_5x5").toString());
    }

    @Test
    void shapesAt75Px() {
        // SAME padding: every stride-2 layer gives ceil(in / 2): 75 -> 38 -> 19 -> 10 -> 5 -> 3.
        Map<String, String> expected = shapes("Conv2d_1a_7x7=38x38x64", "MaxPool_2a_3x3=19x19x64",
                "Conv2d_2b_1x1=19x19x64", "Conv2d_2c_3x3=19x19x192", "MaxPool_3a_3x3=10x10x192", "Mixed_3b=10x10x256",
                "Mixed_3c=10x10x480", "MaxPool_4a_3x3=5x5x480", "Mixed_4b=5x5x512", "Mixed_4c=5x5x512",
                "Mixed_4d=5x5x512", "Mixed_4e=5x5x528", "Mixed_4f=5x5x832", "MaxPool_5a_3x3=3x3x832",
                "Mixed_5b=3x3x832", "Mixed_5c=3x3x1024", "Logits=10", "AuxLogits_4b=10", "AuxLogits_4e=10");
        assertEquals(expected, endpointShapes(ModelSpec.defaults(ModelFamily.GOOGLENET, 10).withInputSize(75)));
    }

    @Test
    void parameterCountIsTorchvisionsPlusThePapersFiveByFiveKernels() {
        // Reference: torchvision googlenet (IMAGENET1K_V1, without aux heads, BN after every conv): 6,624,904
        // parameters. torchvision (like slim) uses a 3x3 kernel where the paper has the 5x5 (a "known bug" it keeps);
        // we follow the paper, which adds (25 - 9) * sum(reduce5x5 * out5x5) weights over the nine modules.
        int[][] reduceAndOut5x5 = {{16, 32}, {32, 96}, {16, 48}, {24, 64}, {24, 64}, {32, 64}, {32, 128}, {32, 128}, {48, 128}};
        long extra = 0;
        for (int[] m : reduceAndOut5x5) {
            extra += 16L * m[0] * m[1];
        }
        assertEquals(380_928, extra);
        ParameterCount count = ModelReports.countParameters(InceptionZoo.configure(PAPER_SIZE.withAuxHeads(false)).configuration());
        assertEquals(6_624_904 + extra, count.trainable());
        assertEquals(7_005_832, count.trainable());
        // The published range for GoogLeNet is 6.6-7.0 M; the BN variant's gamma/beta put it 0.08 % above 7.0 M.
        assertTrue(count.trainable() > 6_600_000 && count.trainable() < 7_010_000, "" + count.trainable());
        // DL4J also keeps BN running mean and variance (2 per channel) in the parameter vector.
        assertEquals(2 * 7_280, count.batchNormStatistics());
    }

    @Test
    void paperVariantHasBiasesInsteadOfBatchNormAndLrnInTheStem() {
        ModelSpec paper = PAPER_SIZE.withAuxHeads(false).withBatchNorm(false);
        ZooGraph zoo = InceptionZoo.configure(paper);
        ParameterCount count = ModelReports.countParameters(zoo.configuration());
        // One bias per output channel instead of gamma and beta: 7,280 conv channels fewer than the BN variant.
        assertEquals(7_005_832 - 7_280, count.trainable());
        assertEquals(6_998_552, count.trainable());
        assertTrue(count.trainable() >= 6_600_000 && count.trainable() <= 7_000_000, "paper's 6.6-7.0 M");
        assertEquals(0, count.batchNormStatistics());
        List<String> lrn = zoo.configuration().getVertices().entrySet().stream()
                .filter(e -> e.getValue() instanceof LayerVertex lv
                        && lv.getLayerConf().getLayer() instanceof LocalResponseNormalization)
                .map(Map.Entry::getKey).toList();
        assertEquals(List.of("LRN_2a", "LRN_2c"), lrn);
        assertEquals(List.of("MaxPool_2a_3x3"), zoo.configuration().getVertexInputs().get("LRN_2a"));
        assertEquals(List.of("LRN_2c"), zoo.configuration().getVertexInputs().get("MaxPool_3a_3x3"));
    }

    @Test
    void auxiliaryHeadsAreThePapersAndWeigh0_3() {
        ZooGraph zoo = InceptionZoo.configure(PAPER_SIZE);
        long withAux = ModelReports.countParameters(zoo.configuration()).trainable();
        // Each head: 1x1 conv 128 (+ BN gamma/beta), FC 4*4*128 -> 1024, FC 1024 -> 1000.
        long head4b = 512 * 128 + 2 * 128 + (2048 * 1024 + 1024) + (1024 * 1000 + 1000);
        long head4e = 528 * 128 + 2 * 128 + (2048 * 1024 + 1024) + (1024 * 1000 + 1000);
        assertEquals(7_005_832 + head4b + head4e, withAux);
        assertEquals(List.of(new AuxHead("AuxLogits_4b", "Mixed_4b", 0.3), new AuxHead("AuxLogits_4e", "Mixed_4e", 0.3)),
                zoo.auxHeads());
        assertEquals(List.of("Logits", "AuxLogits_4b", "AuxLogits_4e"), zoo.configuration().getNetworkOutputs());
    }

    @Test
    void forwardCostIsThePapersOnePointFiveBillionMultiplyAdds() {
        ModelReport r = ModelReports.describe(PAPER_SIZE.withAuxHeads(false));
        assertEquals(1_582_671_872L, r.forwardMultiplyAdds());
        assertTrue(r.forwardMultiplyAdds() > 1.5e9 && r.forwardMultiplyAdds() < 1.6e9);
        assertEquals(6 * 1_582_671_872L, r.trainingFlopsPerImage());
    }

    @Test
    void buildsAtItsDocumentedMinimumOfOnePixel() {
        ModelSpec spec = PAPER_SIZE.withInputSize(ModelFamily.GOOGLENET.net().minimumInputSize());
        assertEquals(1, spec.inputSize());
        Map<String, String> shapes = endpointShapes(spec);
        assertEquals("1x1x1024", shapes.get("Mixed_5c"));
        assertEquals("1000", shapes.get("AuxLogits_4b"));
    }
}
