package io.sparkinception.trainer.models;

import static io.sparkinception.trainer.models.ZooTestSupport.endpointShapes;
import static io.sparkinception.trainer.models.ZooTestSupport.shapes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.junit.jupiter.api.Test;

/** Structure of {@code inception-v4}: slim's endpoints and shapes, the published 42.7 M parameters. */
class InceptionV4Test {

    private static final ModelSpec PAPER_SIZE = ModelSpec.defaults(ModelFamily.INCEPTION_V4, 1000);

    @Test
    void endpointsAndShapesAt299MatchSlimsTest() {
        // slim's inception_v4_test.testBuildAndCheckAllEndPointsUptoMixed7d (HxWxC).
        Map<String, String> expected = shapes("Conv2d_1a_3x3=149x149x32", "Conv2d_2a_3x3=147x147x32",
                "Conv2d_2b_3x3=147x147x64", "Mixed_3a=73x73x160", "Mixed_4a=71x71x192", "Mixed_5a=35x35x384",
                "Mixed_5b=35x35x384", "Mixed_5c=35x35x384", "Mixed_5d=35x35x384", "Mixed_5e=35x35x384",
                "Mixed_6a=17x17x1024", "Mixed_6b=17x17x1024", "Mixed_6c=17x17x1024", "Mixed_6d=17x17x1024",
                "Mixed_6e=17x17x1024", "Mixed_6f=17x17x1024", "Mixed_6g=17x17x1024", "Mixed_6h=17x17x1024",
                "Mixed_7a=8x8x1536", "Mixed_7b=8x8x1536", "Mixed_7c=8x8x1536", "Mixed_7d=8x8x1536",
                "Logits=1000", "AuxLogits=1000");
        assertEquals(expected, endpointShapes(PAPER_SIZE));
        assertEquals(List.copyOf(expected.keySet()), InceptionZoo.configure(PAPER_SIZE).endpoints());
    }

    @Test
    void shapesAt75PxItsMinimum() {
        Map<String, String> expected = shapes("Conv2d_1a_3x3=37x37x32", "Conv2d_2a_3x3=35x35x32",
                "Conv2d_2b_3x3=35x35x64", "Mixed_3a=17x17x160", "Mixed_4a=15x15x192", "Mixed_5a=7x7x384",
                "Mixed_5b=7x7x384", "Mixed_5c=7x7x384", "Mixed_5d=7x7x384", "Mixed_5e=7x7x384",
                "Mixed_6a=3x3x1024", "Mixed_6b=3x3x1024", "Mixed_6c=3x3x1024", "Mixed_6d=3x3x1024",
                "Mixed_6e=3x3x1024", "Mixed_6f=3x3x1024", "Mixed_6g=3x3x1024", "Mixed_6h=3x3x1024",
                "Mixed_7a=1x1x1536", "Mixed_7b=1x1x1536", "Mixed_7c=1x1x1536", "Mixed_7d=1x1x1536",
                "Logits=7", "AuxLogits=7");
        assertEquals(expected, endpointShapes(ModelSpec.defaults(ModelFamily.INCEPTION_V4, 7).withInputSize(75)));
    }

    @Test
    void parameterCountIsThePublishedOne() {
        // Reference: Cadene's pretrainedmodels inceptionv4 / timm inception_v4 at 1000 classes, as listed by
        // osmr/imgclsmob (and torchsummary of that model): 42,679,816, BN gamma and beta counted, no aux head.
        ParameterCount count = ModelReports.countParameters(InceptionZoo.configure(PAPER_SIZE.withAuxHeads(false)).configuration());
        assertEquals(42_679_816, count.trainable());
        // slim's auxiliary head (1x1 128, 5x5 768, FC) on the 17x17x1024 grid adds its own weights.
        long aux = 1024 * 128 + 2 * 128 + 128 * 25 * 768 + 2 * 768 + 768 * 1000 + 1000;
        assertEquals(42_679_816 + aux, ModelReports.countParameters(InceptionZoo.configure(PAPER_SIZE).configuration()).trainable());
    }

    @Test
    void isThePureVariantWithoutResidualConnections() {
        var vertices = InceptionZoo.configure(PAPER_SIZE).configuration().getVertices().values();
        assertFalse(vertices.stream().anyMatch(v -> v instanceof ScaleVertex || v instanceof ElementWiseVertex));
    }
}
