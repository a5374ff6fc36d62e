package io.sparkinception.trainer.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScorerSettingsTest {
    private static ScorerSettings settings(boolean mirrors) {
        return new ScorerSettings(3, 12, 8, 0, CropReduction.MEAN, mirrors);
    }

    @Test
    void withoutMirrorsThe10And144PoliciesKeepTheUnmirroredHalf() {
        float[] chw = new float[3 * 12 * 12];
        for (int i = 0; i < chw.length; i++) {
            chw[i] = i % 17;
        }
        ScorerSettings with = settings(true);
        ScorerSettings without = settings(false);
        assertEquals(List.of(1, 10, 48), List.of(with.forwardPasses(CropPolicy.CENTER), with.forwardPasses(CropPolicy.TEN),
                with.forwardPasses(CropPolicy.FULL)));
        assertEquals(List.of(1, 5, 24), List.of(without.forwardPasses(CropPolicy.CENTER), without.forwardPasses(CropPolicy.TEN),
                without.forwardPasses(CropPolicy.FULL)));
        for (CropPolicy p : CropPolicy.values()) {
            List<Crop> all = with.crops(p, chw);
            List<Crop> kept = without.crops(p, chw);
            assertEquals(with.forwardPasses(p), all.size());
            assertEquals(without.forwardPasses(p), kept.size());
            kept.forEach(c -> assertFalse(c.window().mirrored()));
            // The kept crops are exactly the unmirrored ones, in order, with their weights (144: 3 each).
            assertEquals(all.stream().filter(c -> !c.window().mirrored()).map(Crop::window).toList(),
                    kept.stream().map(Crop::window).toList());
            assertEquals(p.nominalCrops() / (p == CropPolicy.CENTER ? 1 : 2), kept.stream().mapToInt(Crop::weight).sum());
        }
    }

    @Test
    void storedContextCropsAreOfTheInputSizeAndTheInputCannotExceedTheStoredSize() {
        ScorerSettings context = new ScorerSettings(3, 14, 12, 8, 0, CropReduction.MEAN, false);
        float[] chw = new float[3 * 14 * 14];
        assertEquals(List.of(1, 5, 24), List.of(context.forwardPasses(CropPolicy.CENTER),
                context.forwardPasses(CropPolicy.TEN), context.forwardPasses(CropPolicy.FULL)));
        for (CropPolicy p : CropPolicy.values()) {
            List<Crop> crops = context.crops(p, chw);
            assertEquals(context.forwardPasses(p), crops.size());
            crops.forEach(c -> assertEquals(3 * 12 * 12, c.chw().length, c.window().label()));
        }
        assertEquals(settings(true), new ScorerSettings(3, 12, 12, 8, 0, CropReduction.MEAN, true));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new ScorerSettings(3, 12, 14, 8, 0, CropReduction.MEAN, true));
        assertEquals("input size must be in 1..12 (the stored size), got 14", e.getMessage());
    }
}
