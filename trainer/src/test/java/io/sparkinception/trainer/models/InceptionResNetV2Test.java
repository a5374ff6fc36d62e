package io.sparkinception.trainer.models;

import static io.sparkinception.trainer.models.ZooTestSupport.endpointShapes;
import static io.sparkinception.trainer.models.ZooTestSupport.shapes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.junit.jupiter.api.Test;

/** Structure of {@code inception-resnet-v2}: endpoints, shapes, residual wiring, Keras' and Cadene's counts. */
class InceptionResNetV2Test {

    private static final ModelSpec PAPER_SIZE = ModelSpec.defaults(ModelFamily.INCEPTION_RESNET_V2, 1000);

    @Test
    void endpointsAndShapesAt299() {
        // slim's inception_resnet_v2_test.testBuildEndPoints (its PreAuxLogits is our Block17_20); HxWxC.
        Map<String, String> expected = shapes("Conv2d_1a_3x3=149x149x32", "Conv2d_2a_3x3=147x147x32",
                "Conv2d_2b_3x3=147x147x64", "MaxPool_3a_3x3=73x73x64", "Conv2d_3b_1x1=73x73x80",
                "Conv2d_4a_3x3=71x71x192", "MaxPool_5a_3x3=35x35x192", "Mixed_5b=35x35x320", "Block35_10=35x35x320",
                "Mixed_6a=17x17x1088", "Block17_20=17x17x1088", "Mixed_7a=8x8x2080", "Block8_10=8x8x2080",
                "Conv2d_7b_1x1=8x8x1536", "Logits=1000", "AuxLogits=1000");
        assertEquals(expected, endpointShapes(PAPER_SIZE));
        assertEquals(List.copyOf(expected.keySet()), InceptionZoo.configure(PAPER_SIZE).endpoints());
    }

    @Test
    void shapesAt75PxItsMinimum() {
        Map<String, String> expected = shapes("Conv2d_1a_3x3=37x37x32", "Conv2d_2a_3x3=35x35x32",
                "Conv2d_2b_3x3=35x35x64", "MaxPool_3a_3x3=17x17x64", "Conv2d_3b_1x1=17x17x80",
                "Conv2d_4a_3x3=15x15x192", "MaxPool_5a_3x3=7x7x192", "Mixed_5b=7x7x320", "Block35_10=7x7x320",
                "Mixed_6a=3x3x1088", "Block17_20=3x3x1088", "Mixed_7a=1x1x2080", "Block8_10=1x1x2080",
                "Conv2d_7b_1x1=1x1x1536", "Logits=51", "AuxLogits=51");
        assertEquals(expected, endpointShapes(ModelSpec.defaults(ModelFamily.INCEPTION_RESNET_V2, 51).withInputSize(75)));
    }

    @Test
    void parameterCountMatchesKerasAndCadene() {
        ParameterCount count = ModelReports.countParameters(InceptionZoo.configure(PAPER_SIZE.withAuxHeads(false)).configuration());
        // Reference 1: Cadene's pretrainedmodels inceptionresnetv2 at 1000 classes (listed by osmr/imgclsmob):
        // 55,843,464 parameters with BN gamma and beta.
        assertEquals(55_843_464, count.trainable());
        // Reference 2: Keras applications InceptionResNetV2: 55,873,736 total, of which 60,544 non-trainable (BN
        // moving mean and variance). Keras' BN has no gamma (scale=False): 30,272 BN channels, and DL4J's BN always
        // has gamma, so our total (DL4J's numParams) is Keras' plus one gamma per BN channel.
        assertEquals(60_544, count.batchNormStatistics());
        assertEquals(55_873_736 + 60_544 / 2, count.total());
        assertEquals(55_813_192 + 60_544 / 2, count.trainable());
    }

    @Test
    void residualBlocksScaleThenAddElementwiseNeverConcatenate() {
        ComputationGraphConfiguration conf = InceptionZoo.configure(PAPER_SIZE).configuration();
        Map<String, GraphVertex> vertices = conf.getVertices();
        Map<String, Double> scales = new TreeMap<>();
        vertices.forEach((name, v) -> {
            if (v instanceof ScaleVertex s) {
                scales.put(name, s.getScaleFactor());
            }
        });
        assertEquals(40, scales.size());
        assertEquals(0.17, scales.get("Block35_3/Scale"));
        assertEquals(0.10, scales.get("Block17_20/Scale"));
        assertEquals(0.20, scales.get("Block8_9/Scale"));
        assertEquals(1.0, scales.get("Block8_10/Scale"));
        assertEquals(10, scales.values().stream().filter(s -> s == 0.17).count());
        assertEquals(20, scales.values().stream().filter(s -> s == 0.10).count());
        assertEquals(9, scales.values().stream().filter(s -> s == 0.20).count());

        // Block17_5: relu(Block17_4 + 0.1 * Conv2d_1x1(concat(branches))).
        ElementWiseVertex add = assertInstanceOf(ElementWiseVertex.class, vertices.get("Block17_5/Add"));
        assertEquals(ElementWiseVertex.Op.Add, add.getOp());
        assertEquals(List.of("Block17_4", "Block17_5/Scale"), conf.getVertexInputs().get("Block17_5/Add"));
        assertEquals(List.of("Block17_5/Conv2d_1x1"), conf.getVertexInputs().get("Block17_5/Scale"));
        assertEquals(List.of("Block17_5/Concat"), conf.getVertexInputs().get("Block17_5/Conv2d_1x1"));
        assertInstanceOf(MergeVertex.class, vertices.get("Block17_5/Concat"));
        LayerVertex relu = assertInstanceOf(LayerVertex.class, vertices.get("Block17_5"));
        assertInstanceOf(ActivationLayer.class, relu.getLayerConf().getLayer());
        assertEquals(List.of("Block17_5/Add"), conf.getVertexInputs().get("Block17_5"));
        // The last block has no activation: its sum carries the block's name.
        assertInstanceOf(ElementWiseVertex.class, vertices.get("Block8_10"));
        // No merge vertex ever reads a block's input and its residual together.
        vertices.forEach((name, v) -> {
            if (v instanceof MergeVertex) {
                conf.getVertexInputs().get(name).forEach(in ->
                        assertFalse(in.endsWith("/Scale"), name + " concatenates a residual"));
            }
        });
    }
}
