package io.sparkinception.trainer.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Training-time sampling with a network input smaller than the stored image (train's input-size). */
class AugmenterTest {
    private static final int C = 3;
    private static final int STORED = 14;
    private static final int INPUT = 10;
    private static final float[] MEAN = {0, 0, 0};
    private static final float[] SCALE = {1, 1, 1};

    /** A stored CHW image whose every value is distinct: c * 10000 + y * 100 + x. */
    private static float[] stored() {
        float[] chw = new float[C * STORED * STORED];
        for (int c = 0; c < C; c++) {
            for (int y = 0; y < STORED; y++) {
                for (int x = 0; x < STORED; x++) {
                    chw[(c * STORED + y) * STORED + x] = c * 10000 + y * 100 + x;
                }
            }
        }
        return chw;
    }

    private static Augmentation noRandomCrop() {
        return new Augmentation(false, 1, 1, 1, 1, false, 0, 0, 0, false);
    }

    @Test
    void withoutRandomCropsASmallerInputIsARandomWindowAtNativeScale() {
        float[] chw = stored();
        Set<String> offsets = new HashSet<>();
        for (int seed = 0; seed < 40; seed++) {
            float[] out = Augmenter.apply(chw, C, STORED, INPUT, MEAN, SCALE, noRandomCrop(), new SplittableRandom(seed));
            assertEquals(C * INPUT * INPUT, out.length);
            // The window's top-left value names its offset; every pixel is the stored one at that offset.
            int x0 = (int) out[0] % 100;
            int y0 = (int) out[0] / 100;
            assertTrue(x0 <= STORED - INPUT && y0 <= STORED - INPUT, x0 + "," + y0);
            for (int c = 0; c < C; c++) {
                for (int y = 0; y < INPUT; y++) {
                    for (int x = 0; x < INPUT; x++) {
                        assertEquals(chw[(c * STORED + y0 + y) * STORED + x0 + x], out[(c * INPUT + y) * INPUT + x]);
                    }
                }
            }
            offsets.add(x0 + "," + y0);
            assertArrayEquals(out, Augmenter.apply(chw, C, STORED, INPUT, MEAN, SCALE, noRandomCrop(),
                    new SplittableRandom(seed)), "the same seed, the same window");
        }
        assertTrue(offsets.size() > 5, "windows at random offsets: " + offsets);
    }

    @Test
    void randomCropsAreTakenInTheStoredImageAndResizedToTheInput() {
        Augmentation crops = new Augmentation(true, 0.3, 1, 0.75, 1.33, false, 0, 0, 0, true);
        float[] out = Augmenter.apply(stored(), C, STORED, INPUT, MEAN, SCALE, crops, new SplittableRandom(3));
        assertEquals(C * INPUT * INPUT, out.length);
        // Each channel's values stay inside that channel's stored range (a crop, resized; no other mixing).
        for (int c = 0; c < C; c++) {
            for (int i = c * INPUT * INPUT; i < (c + 1) * INPUT * INPUT; i++) {
                assertTrue(out[i] >= c * 10000 - 1e-3 && out[i] <= c * 10000 + 1313 + 1e-3, c + ": " + out[i]);
            }
        }
    }

    @Test
    void withAugmentationOffOnlyASmallerInputChangesTheExample() {
        float[] chw = stored();
        assertSame(chw, Augmenter.apply(chw, C, STORED, STORED, MEAN, SCALE, Augmentation.NONE, new SplittableRandom(1)));
        float[] window = Augmenter.apply(chw, C, STORED, INPUT, MEAN, SCALE, Augmentation.NONE, new SplittableRandom(1));
        assertEquals(C * INPUT * INPUT, window.length, "a smaller input is a window even with augmentation off");
        assertThrows(IllegalArgumentException.class,
                () -> Augmenter.apply(chw, C, STORED, STORED + 1, MEAN, SCALE, Augmentation.NONE, new SplittableRandom(1)));
    }
}
