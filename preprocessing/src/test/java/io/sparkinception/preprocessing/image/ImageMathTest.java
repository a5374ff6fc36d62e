package io.sparkinception.preprocessing.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.testing.SharedData;
import io.sparkinception.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ImageMathTest {

    @Test
    void cropCopiesExactlyTheInclusiveRegion() {
        FloatImage img = TestImages.gradientFloat(10, 8);
        FloatImage crop = CropGeometry.crop(img, new Box(2, 3, 5, 6));
        assertEquals(4, crop.width());
        assertEquals(4, crop.height());
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                assertEquals(2 + x, crop.get(x, y, 0));
                assertEquals(3 + y, crop.get(x, y, 1));
                assertEquals(5 + x + y, crop.get(x, y, 2));
            }
        }
    }

    @Test
    void regionWithoutMarginIsTheBox() {
        assertEquals(new Box(2, 3, 5, 6), CropGeometry.region(new Box(2, 3, 5, 6), 0, false, 10, 10));
    }

    @Test
    void marginGrowsEachSideByAFractionOfTheBox() {
        // 10x20 box, margin 0.1: 1 px left/right, 2 px top/bottom.
        assertEquals(new Box(9, 8, 20, 31), CropGeometry.region(new Box(10, 10, 19, 29), 0.1, false, 100, 100));
    }

    @Test
    void squareGrowsTheShorterSideAroundTheCentre() {
        Box r = CropGeometry.region(new Box(10, 10, 19, 29), 0, true, 100, 100);
        assertEquals(20, r.width());
        assertEquals(20, r.height());
        assertEquals(new Box(5, 10, 24, 29), r);
    }

    @Test
    void regionIsClampedToTheImage() {
        Box r = CropGeometry.region(new Box(0, 0, 9, 19), 0, true, 12, 30);
        assertEquals(new Box(0, 0, 11, 19), r);
        Box m = CropGeometry.region(new Box(5, 5, 9, 9), 1.0, false, 12, 12);
        assertEquals(new Box(0, 0, 11, 11), m);
    }

    @Test
    void invertedBoxIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> CropGeometry.region(new Box(5, 5, 4, 9), 0, false, 10, 10));
    }

    @Test
    void boxPredicates() {
        assertTrue(new Box(3, 3, 2, 5).inverted());
        assertTrue(new Box(3, 3, 3, 5).degenerate());
        assertTrue(new Box(10, 0, 12, 5).outside(10, 10));
        assertTrue(new Box(-5, -5, -1, 3).outside(10, 10));
        assertTrue(!new Box(-5, -5, 0, 0).outside(10, 10));
        assertTrue(new Box(0, 0, 9, 9).inside(10, 10));
    }

    @Test
    void mirrorReversesColumns() {
        FloatImage img = TestImages.gradientFloat(5, 3);
        FloatImage m = CropGeometry.mirror(img);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++) {
                for (int c = 0; c < 3; c++) {
                    assertEquals(img.get(4 - x, y, c), m.get(x, y, c));
                }
            }
        }
        assertEquals(img, CropGeometry.mirror(m));
    }

    @Test
    void resizeOfAConstantImageIsConstant() {
        float[] v = new float[7 * 5 * 3];
        java.util.Arrays.fill(v, 42f);
        FloatImage img = new FloatImage(7, 5, 3, v);
        for (Interpolation interp : Interpolation.values()) {
            FloatImage out = Resize.resize(img, 13, 3, interp);
            for (float f : out.hwc()) {
                assertEquals(42f, f, 1e-4, interp.id());
            }
        }
    }

    @Test
    void bilinearUpscaleOfALinearRampIsLinearInTheInterior() {
        // 4 px ramp 0,10,20,30 -> 8 px: centres map to src (o+0.5)/2-0.5.
        FloatImage ramp = new FloatImage(4, 1, 1, new float[] {0, 10, 20, 30});
        FloatImage out = Resize.resize(ramp, 8, 1, Interpolation.BILINEAR);
        assertArrayEquals(new float[] {0, 2.5f, 7.5f, 12.5f, 17.5f, 22.5f, 27.5f, 30}, out.hwc(), 1e-5f);
    }

    @Test
    void areaDownscaleAveragesBlocks() {
        FloatImage img = new FloatImage(4, 2, 1, new float[] {1, 3, 5, 7, 9, 11, 13, 15});
        FloatImage out = Resize.resize(img, 2, 1, Interpolation.AREA);
        assertArrayEquals(new float[] {(1 + 3 + 9 + 11) / 4f, (5 + 7 + 13 + 15) / 4f}, out.hwc(), 1e-5f);
        // Non-integer factor: 3 -> 2, each output covers 1.5 source pixels.
        FloatImage three = new FloatImage(3, 1, 1, new float[] {0, 30, 60});
        assertArrayEquals(new float[] {10, 50}, Resize.resize(three, 2, 1, Interpolation.AREA).hwc(), 1e-4f);
    }

    @Test
    void bicubicReproducesALinearRampAwayFromBorders() {
        float[] ramp = new float[16];
        for (int i = 0; i < 16; i++) {
            ramp[i] = 5 * i;
        }
        FloatImage out = Resize.resize(new FloatImage(16, 1, 1, ramp), 32, 1, Interpolation.BICUBIC);
        for (int o = 4; o < 28; o++) {
            double src = (o + 0.5) / 2 - 0.5;
            assertEquals(5 * src, out.hwc()[o], 1e-3, "at " + o);
        }
    }

    @Test
    void nearestPicksTheCoveringPixel() {
        FloatImage img = new FloatImage(4, 1, 1, new float[] {1, 2, 3, 4});
        assertArrayEquals(new float[] {1, 1, 2, 2, 3, 3, 4, 4}, Resize.resize(img, 8, 1, Interpolation.NEAREST).hwc());
        assertArrayEquals(new float[] {2, 4}, Resize.resize(img, 2, 1, Interpolation.NEAREST).hwc());
    }

    @Test
    void chwRoundTrip() {
        FloatImage img = TestImages.gradientFloat(6, 4);
        float[] chw = img.toChw();
        assertEquals(img.get(3, 2, 0), chw[2 * 6 + 3]);
        assertEquals(img.get(3, 2, 1), chw[24 + 2 * 6 + 3]);
        assertEquals(img.get(3, 2, 2), chw[48 + 2 * 6 + 3]);
        assertEquals(img, FloatImage.fromChw(6, 4, 3, chw));
    }

    @Test
    void channelStatsEqualAHandComputation() {
        FloatImage a = new FloatImage(2, 1, 3, new float[] {1, 10, 100, 3, 30, 300});
        FloatImage b = new FloatImage(1, 1, 3, new float[] {5, 50, 500});
        ChannelStats s = ChannelStats.empty(3).add(a).merge(ChannelStats.empty(3).add(b));
        assertEquals(3, s.pixels());
        assertArrayEquals(new double[] {3, 30, 300}, s.mean(), 1e-12);
        double sd = Math.sqrt(((1 - 3) * (1 - 3) + 0 + (5 - 3) * (5 - 3)) / 3.0);
        assertArrayEquals(new double[] {sd, 10 * sd, 100 * sd}, s.std(), 1e-9);
        assertThrows(IllegalStateException.class, () -> ChannelStats.empty(3).mean());
    }

    @Test
    void resizeHasTheBitsOfTheTapByTapFormula() {
        java.util.Random r = new java.util.Random(7);
        float[] hwc = new float[9 * 6 * 3];
        for (int i = 0; i < hwc.length; i++) {
            hwc[i] = r.nextInt(256);
        }
        FloatImage src = new FloatImage(9, 6, 3, hwc);
        for (Interpolation interp : Interpolation.values()) {
            for (int[] size : new int[][] {{20, 17}, {4, 3}}) {
                assertArrayEquals(tapByTap(src, size[0], size[1], interp), Resize.resize(src, size[0], size[1], interp).hwc(),
                        interp + " " + size[0] + "x" + size[1]);
            }
        }
    }

    /** Each output value as the sum over its taps, in double, of float products: the definition of Resize. */
    private static float[] tapByTap(FloatImage src, int w, int h, Interpolation interp) {
        Resize.Taps tx = Resize.taps(src.width(), w, interp);
        Resize.Taps ty = Resize.taps(src.height(), h, interp);
        int c = src.channels();
        float[] out = new float[w * h * c];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int ch = 0; ch < c; ch++) {
                    double acc = 0;
                    for (int k = 0; k < ty.index()[y].length; k++) {
                        int sy = ty.index()[y][k];
                        double row = 0;
                        for (int j = 0; j < tx.index()[x].length; j++) {
                            row += tx.weight()[x][j] * src.get(tx.index()[x][j], sy, ch);
                        }
                        acc += ty.weight()[y][k] * (float) row;
                    }
                    out[(y * w + x) * c + ch] = (float) acc;
                }
            }
        }
        return out;
    }

    @Test
    void channelStatsOfAChwTensorHaveTheBitsOfItsImage() {
        java.util.Random r = new java.util.Random(11);
        float[] hwc = new float[7 * 5 * 3];
        for (int i = 0; i < hwc.length; i++) {
            hwc[i] = r.nextFloat() * 255;
        }
        FloatImage image = new FloatImage(7, 5, 3, hwc);
        ChannelStats fromImage = ChannelStats.empty(3).add(image).add(image);
        ChannelStats fromChw = ChannelStats.empty(3).addChw(image.toChw()).addChw(image.toChw());
        assertEquals(fromImage, fromChw);
        assertEquals(70, fromChw.pixels());
        assertThrows(IllegalArgumentException.class, () -> ChannelStats.empty(3).addChw(new float[4]));
    }

    @Test
    void normalizationSubtractsTheMeanPerPlaneAndInverts() {
        float[] chw = {10, 20, 1, 2, 100, 200};
        float[] n = Normalization.normalizeChw(chw, 3, new float[] {10, 1, 100}, new float[] {1, 1, 2});
        assertArrayEquals(new float[] {0, 10, 0, 1, 0, 50}, n, 0f);
        assertArrayEquals(chw, Normalization.denormalizeChw(n, 3, new float[] {10, 1, 100}, new float[] {1, 1, 2}), 0f);
    }

    /** The path preprocess took before resizeToChw: crop, resize, transpose. */
    private static float[] cropResizeTranspose(FloatImage img, Box region, int size, Interpolation interpolation) {
        return Resize.resize(CropGeometry.crop(img, region), size, size, interpolation).toChw();
    }

    private static Box randomRegion(Random rnd, int width, int height) {
        int x1 = rnd.nextInt(width);
        int y1 = rnd.nextInt(height);
        return new Box(x1, y1, x1 + rnd.nextInt(width - x1), y1 + rnd.nextInt(height - y1));
    }

    private static void assertFusedEqualsSteps(FloatImage img, Box region, int size, Interpolation interpolation) {
        float[] expected = cropResizeTranspose(img, region, size, interpolation);
        float[] fused = Resize.resizeToChw(img, region, size, size, interpolation);
        // Bit identity, not closeness: compare the raw bits.
        assertEquals(expected.length, fused.length);
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(fused[i])) {
                throw new AssertionError(interpolation + " " + region + " of " + img + " to " + size + ": value " + i
                        + " is " + fused[i] + ", the crop-resize-transpose path gives " + expected[i]);
            }
        }
    }

    @Test
    void resizeToChwIsBitIdenticalToCropResizeTransposeOnRandomImages() {
        Random rnd = new Random(13);
        for (int trial = 0; trial < 60; trial++) {
            int w = 1 + rnd.nextInt(70);
            int h = 1 + rnd.nextInt(70);
            float[] hwc = new float[w * h * 3];
            boolean levels = trial % 2 == 0;
            for (int i = 0; i < hwc.length; i++) {
                // Whole 0-255 levels (what the decoder gives) and arbitrary floats.
                hwc[i] = levels ? rnd.nextInt(256) : rnd.nextFloat() * 255f;
            }
            FloatImage img = new FloatImage(w, h, 3, hwc);
            for (Interpolation interpolation : Interpolation.values()) {
                Box region = randomRegion(rnd, w, h);
                for (int size : new int[] {1, 7, 32, 64, region.width()}) {
                    assertFusedEqualsSteps(img, region, size, interpolation);
                }
                assertFusedEqualsSteps(img, new Box(0, 0, w - 1, h - 1), 224, interpolation);
            }
        }
    }

    @Test
    void resizeToChwIsBitIdenticalOnRealImages() throws Exception {
        Path gtsrb = SharedData.data("gtsrb/Train/0/00000_00000_00004.png");
        Path bccd = SharedData.data("bccd/BCCD/JPEGImages/BloodImage_00000.jpg");
        Random rnd = new Random(7);
        for (Path file : new Path[] {gtsrb, bccd}) {
            FloatImage img = ImageDecoder.decodeRgb(Files.readAllBytes(file));
            for (Interpolation interpolation : Interpolation.values()) {
                for (int size : new int[] {64, 224}) {
                    assertFusedEqualsSteps(img, new Box(0, 0, img.width() - 1, img.height() - 1), size, interpolation);
                    assertFusedEqualsSteps(img, randomRegion(rnd, img.width(), img.height()), size, interpolation);
                }
            }
        }
    }

    @Test
    void resizeToChwRejectsRegionsOutsideTheImage() {
        FloatImage img = TestImages.gradientFloat(10, 8);
        assertThrows(IllegalArgumentException.class, () -> Resize.resizeToChw(img, new Box(2, 2, 10, 5), 4, 4, Interpolation.BILINEAR));
        assertThrows(IllegalArgumentException.class, () -> Resize.resizeToChw(img, new Box(0, 0, 3, 3), 0, 4, Interpolation.BILINEAR));
    }
}
