package io.sparkinception.trainer.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sparkinception.trainer.ensemble.MemberWeights;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which member weights {@code evaluate} applies: the manifest's (of the selected members) or uniform. */
class MemberWeightsSelectionTest {
    private static final MemberWeights VAL_LOSS = new MemberWeights("val-loss", List.of(0.5, 0.3, 0.2),
            "inference-model.zip", 40, 1.2, 1.1, 17, true);

    @Test
    void theManifestsWeightsOfTheFirstMembersAreRenormalized() {
        assertEquals(List.of(0.5, 0.3, 0.2), ModelSet.recorded(VAL_LOSS, 3, 3, "/e").weights());
        MemberWeights two = ModelSet.recorded(VAL_LOSS, 3, 2, "/e");
        assertEquals("val-loss", two.method());
        assertEquals(0.625, two.weights().get(0), 1e-15);
        assertEquals(0.375, two.weights().get(1), 1e-15);
    }

    @Test
    void aManifestWithoutWeightsIsUniformAndAMismatchIsRefused() {
        MemberWeights none = ModelSet.recorded(null, 4, 4, "/e");
        assertEquals("uniform", none.method());
        assertEquals(List.of(0.25, 0.25, 0.25, 0.25), none.weights());
        assertEquals("/e/ensemble.json records 3 member weights for 4 members",
                assertThrows(IllegalArgumentException.class, () -> ModelSet.recorded(VAL_LOSS, 4, 4, "/e")).getMessage());
    }

    @Test
    void memberWeightsUniformOverridesTheManifest() {
        ModelSet set = new ModelSet("/e", true, List.of(), null, VAL_LOSS);
        assertEquals(VAL_LOSS, set.weights(EvaluateConfig.MemberWeighting.MANIFEST));
        assertEquals("uniform", set.weights(EvaluateConfig.MemberWeighting.UNIFORM).method());
        assertEquals(EvaluateConfig.MemberWeighting.UNIFORM, EvaluateConfig.MemberWeighting.of("Uniform"));
        assertThrows(IllegalArgumentException.class, () -> EvaluateConfig.MemberWeighting.of("val-loss"));
    }
}
