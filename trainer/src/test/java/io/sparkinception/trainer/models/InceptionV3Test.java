package io.sparkinception.trainer.models;

import static io.sparkinception.trainer.models.ZooTestSupport.endpointShapes;
import static io.sparkinception.trainer.models.ZooTestSupport.shapes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.junit.jupiter.api.Test;

/** Structure of {@code inception-v3}: slim's endpoints and shapes, torchvision's exact parameter counts. */
class InceptionV3Test {

    private static final ModelSpec PAPER_SIZE = ModelSpec.defaults(ModelFamily.INCEPTION_V3, 1000);

    @Test
    void endpointsAreSlimsNames() {
        assertEquals(List.of("Conv2d_1a_3x3", "Conv2d_2a_3x3", "Conv2d_2b_3x3", "MaxPool_3a_3x3", "Conv2d_3b_1x1",
                "Conv2d_4a_3x3", "MaxPool_5a_3x3", "Mixed_5b", "Mixed_5c", "Mixed_5d", "Mixed_6a", "Mixed_6b",
                "Mixed_6c", "Mixed_6d", "Mixed_6e", "Mixed_7a", "Mixed_7b", "Mixed_7c", "Logits", "AuxLogits"),
                InceptionZoo.configure(PAPER_SIZE).endpoints());
    }

    @Test
    void shapesAt299MatchSlimsTest() {
        // slim's inception_v3_test.testBuildEndPoints (HxWxC).
        Map<String, String> expected = shapes("Conv2d_1a_3x3=149x149x32", "Conv2d_2a_3x3=147x147x32",
                "Conv2d_2b_3x3=147x147x64", "MaxPool_3a_3x3=73x73x64", "Conv2d_3b_1x1=73x73x80",
                "Conv2d_4a_3x3=71x71x192", "MaxPool_5a_3x3=35x35x192", "Mixed_5b=35x35x256", "Mixed_5c=35x35x288",
                "Mixed_5d=35x35x288", "Mixed_6a=17x17x768", "Mixed_6b=17x17x768", "Mixed_6c=17x17x768",
                "Mixed_6d=17x17x768", "Mixed_6e=17x17x768", "Mixed_7a=8x8x1280", "Mixed_7b=8x8x2048",
                "Mixed_7c=8x8x2048", "Logits=1000", "AuxLogits=1000");
        assertEquals(expected, endpointShapes(PAPER_SIZE));
        // The auxiliary head at 299 px is the paper's: 17 -> pool 5x5/3 -> 5x5 -> conv 5x5 VALID -> 1x1x768.
        Map<String, InputType> types = InceptionZoo.configure(PAPER_SIZE).activationTypes();
        assertEquals("InputTypeConvolutional(h=5,w=5,c=768,NCHW)", types.get("AuxLogits/AvgPool_1a_5x5").toString());
        assertEquals("InputTypeConvolutional(h=1,w=1,c=768,NCHW)", types.get("AuxLogits/Conv2d_2a_5x5").toString());
    }

    @Test
    void shapesAt75PxItsMinimum() {
        Map<String, String> expected = shapes("Conv2d_1a_3x3=37x37x32", "Conv2d_2a_3x3=35x35x32",
                "Conv2d_2b_3x3=35x35x64", "MaxPool_3a_3x3=17x17x64", "Conv2d_3b_1x1=17x17x80",
                "Conv2d_4a_3x3=15x15x192", "MaxPool_5a_3x3=7x7x192", "Mixed_5b=7x7x256", "Mixed_5c=7x7x288",
                "Mixed_5d=7x7x288", "Mixed_6a=3x3x768", "Mixed_6b=3x3x768", "Mixed_6c=3x3x768", "Mixed_6d=3x3x768",
                "Mixed_6e=3x3x768", "Mixed_7a=1x1x1280", "Mixed_7b=1x1x2048", "Mixed_7c=1x1x2048", "Logits=5",
                "AuxLogits=5");
        ModelSpec small = ModelSpec.defaults(ModelFamily.INCEPTION_V3, 5).withInputSize(75);
        assertEquals(expected, endpointShapes(small));
        // The head's kernels shrink to the 3x3 grid it sees (names carry the kernels used).
        Map<String, InputType> types = InceptionZoo.configure(small).activationTypes();
        assertEquals("InputTypeConvolutional(h=1,w=1,c=768,NCHW)", types.get("AuxLogits/Conv2d_2a_1x1").toString());
        assertTrue(types.containsKey("AuxLogits/AvgPool_1a_3x3"));
    }

    @Test
    void belowSeventyFivePixelsIsRejectedWithTheMinimum() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PAPER_SIZE.withInputSize(74));
        assertEquals("inputSize 74 is below inception-v3's minimum of 75 px (default 299)", e.getMessage());
    }

    @Test
    void parameterCountsAreTorchvisionsExactly() {
        // Reference: torchvision inception_v3 (IMAGENET1K_V1) num_params 27,161,264 with its auxiliary head; without
        // it 23,834,568 (also the count osmr/imgclsmob lists for InceptionV3). torchvision counts BN gamma and beta,
        // not the running statistics, which DL4J keeps in its parameter vector (reported separately).
        ParameterCount without = ModelReports.countParameters(InceptionZoo.configure(PAPER_SIZE.withAuxHeads(false)).configuration());
        ParameterCount with = ModelReports.countParameters(InceptionZoo.configure(PAPER_SIZE).configuration());
        assertEquals(23_834_568, without.trainable());
        assertEquals(27_161_264, with.trainable());
        // Keras' InceptionV3 (BN without gamma: scale=False) reports 34,432 non-trainable = the same running statistics.
        assertEquals(34_432, without.batchNormStatistics());
    }

    @Test
    void auxHeadIsOnTheLast17x17ModuleWithSlimsWeight() {
        assertEquals(List.of(new AuxHead("AuxLogits", "Mixed_6e", 0.4)), InceptionZoo.configure(PAPER_SIZE).auxHeads());
    }
}
