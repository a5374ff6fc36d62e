package io.sparkinception.trainer.ensemble;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.preprocessing.annotations.ClassInfo;
import io.sparkinception.preprocessing.DatasetMetadata;
import io.sparkinception.trainer.training.TrainConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code ensemble --weights}: parsed, defaulted, and val-loss refused before training when the data has no val split. */
class EnsembleWeightsSettingTest {
    private static final TrainConfig BASE = TrainConfig.load(null, Map.of("data", "/d", "output", "/o", "width", "0.25",
            "min-filters", "8", "workers", "1", "averaging-frequency", "1"));

    static DatasetMetadata metadata(Map<String, Long> perSplit) {
        DatasetMetadata.Spec spec = new DatasetMetadata.Spec(32, 3, "CHW", "float32", "area", 0.1, true, false,
                new double[] {0, 0, 0}, new double[] {1, 1, 1}, 100);
        List<ClassInfo> classes = List.of(new ClassInfo(0, "a", "a"), new ClassInfo(1, "b", "b"));
        long all = perSplit.values().stream().mapToLong(Long::longValue).sum();
        return new DatasetMetadata(DatasetMetadata.FORMAT_VERSION, "now", Map.of(), null, spec, classes,
                new DatasetMetadata.Counts(all, all, 0, perSplit, Map.of(), Map.of()), Map.of(), List.of());
    }

    private static EnsembleConfig ensemble(String weights) {
        return EnsembleConfig.load(null, Map.of("data", "/d", "output", "/o", "members", "2", "weights", weights));
    }

    @Test
    void uniformIsTheDefaultAndValLossIsParsed() {
        assertEquals(EnsembleConfig.Weighting.UNIFORM,
                EnsembleConfig.load(null, Map.of("data", "/d", "output", "/o")).weights());
        assertEquals(EnsembleConfig.Weighting.VAL_LOSS, ensemble("val-loss").weights());
        assertEquals("--weights must be uniform or val-loss, got 'loss'",
                assertThrows(IllegalArgumentException.class, () -> ensemble("loss")).getMessage());
    }

    @Test
    void valLossNeedsAValSplitAndSaysSoBeforeTraining() {
        DatasetMetadata trainOnly = metadata(Map.of("train", 40L));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ensemble("val-loss").check(BASE, trainOnly, "file:/d"));
        assertTrue(e.getMessage().startsWith("--weights val-loss"), e.getMessage());
        assertTrue(e.getMessage().contains("file:/d has no val examples"), e.getMessage());
        assertDoesNotThrow(() -> ensemble("uniform").check(BASE, trainOnly, "file:/d"));
        assertDoesNotThrow(() -> ensemble("val-loss").check(BASE, metadata(Map.of("train", 40L, "val", 6L)), "file:/d"));
    }

    @Test
    void uniformWeightsAreOneOverTheMembers() {
        MemberWeights w = MemberWeights.uniform(4);
        assertEquals("uniform", w.method());
        assertEquals(List.of(0.25, 0.25, 0.25, 0.25), w.weights());
    }
}
