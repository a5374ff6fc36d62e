package io.sparkinception.trainer.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The registry: names users type, and precise rejections. */
class ModelFamilyTest {

    @Test
    void knowsEveryFamilyByItsName() {
        assertEquals(List.of("googlenet", "bn-inception", "inception-v3", "inception-v4", "inception-resnet-v2"),
                ModelFamily.ids());
        for (ModelFamily f : ModelFamily.values()) {
            assertSame(f, ModelFamily.of(f.id()));
            assertSame(f, ModelFamily.of(f.id().toUpperCase()));
            assertSame(f, ModelFamily.of(f.name()));
        }
        assertSame(ModelFamily.INCEPTION_V3, ModelFamily.of(" inception-v3 "));
    }

    @Test
    void rejectsUnknownNamesWithTheListOfKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelFamily.of("resnet50"));
        assertEquals("unknown model family 'resnet50'; known: googlenet, bn-inception, inception-v3, inception-v4,"
                + " inception-resnet-v2", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ModelFamily.of(null));
    }

    @Test
    void eachFamilyHasItsOwnFinalClassAndDefaults() {
        assertEquals(GoogLeNet.class, ModelFamily.GOOGLENET.net().getClass());
        assertEquals(BnInception.class, ModelFamily.BN_INCEPTION.net().getClass());
        assertEquals(InceptionV3.class, ModelFamily.INCEPTION_V3.net().getClass());
        assertEquals(InceptionV4.class, ModelFamily.INCEPTION_V4.net().getClass());
        assertEquals(InceptionResNetV2.class, ModelFamily.INCEPTION_RESNET_V2.net().getClass());
        assertEquals(List.of(224, 224, 299, 299, 299),
                List.of(ModelFamily.values()).stream().map(f -> f.net().defaultInputSize()).toList());
        assertEquals(List.of(1, 1, 75, 75, 75),
                List.of(ModelFamily.values()).stream().map(f -> f.net().minimumInputSize()).toList());
    }

    @Test
    void aFamilyRefusesAnotherFamilysSpec() {
        ModelSpec v3 = ModelSpec.defaults(ModelFamily.INCEPTION_V3, 10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelFamily.GOOGLENET.net().configure(v3));
        assertEquals("a inception-v3 spec was given to the googlenet builder; use InceptionZoo.configure(spec)", e.getMessage());
    }

    @Test
    void everyFamilyBuildsAtItsMinimumAndDefaultSize() {
        for (ModelFamily f : ModelFamily.values()) {
            ModelSpec spec = ModelSpec.defaults(f, 4);
            List<ModelReport.Endpoint> atDefault = ModelReports.describe(spec).endpoints();
            assertEquals(List.of(4L), atDefault.get(atDefault.size() - 1).shape(), f + " at its default size");
            ModelSpec smallest = spec.withInputSize(f.net().minimumInputSize());
            List<ModelReport.Endpoint> endpoints = ModelReports.describe(smallest).endpoints();
            assertEquals(List.of(4L), endpoints.get(endpoints.size() - 1).shape(), f + " at its minimum");
            if (f.net().minimumInputSize() > 1) {
                assertThrows(IllegalArgumentException.class, () -> spec.withInputSize(f.net().minimumInputSize() - 1));
            }
        }
    }
}
