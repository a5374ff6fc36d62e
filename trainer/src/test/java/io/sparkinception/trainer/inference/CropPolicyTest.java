package io.sparkinception.trainer.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.preprocessing.image.FloatImage;
import io.sparkinception.preprocessing.image.Interpolation;
import io.sparkinception.preprocessing.image.Resize;
import io.sparkinception.trainer.inference.CropWindow.Position;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Crop counts, weights and geometry on a synthetic image whose pixel values encode their coordinates. */
class CropPolicyTest {
    private static final int CHANNELS = 3;

    /** Pixel (x, y, c) holds c*10000 + y*100 + x - 500 (negative values too: a mean-subtracted image). */
    static FloatImage coordinates(int width, int height) {
        float[] hwc = new float[width * height * CHANNELS];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int c = 0; c < CHANNELS; c++) {
                    hwc[(y * width + x) * CHANNELS + c] = c * 10000 + y * 100 + x - 500;
                }
            }
        }
        return new FloatImage(width, height, CHANNELS, hwc);
    }

    /** The crop's pixel at column x, row y, channel c (CHW, s x s). */
    static float pixel(Crop crop, int s, int x, int y, int c) {
        return crop.chw()[(c * s + y) * s + x];
    }

    @Test
    void parsesTheThreePoliciesAndRejectsOthersListingThem() {
        assertSame(CropPolicy.CENTER, CropPolicy.of("1"));
        assertSame(CropPolicy.TEN, CropPolicy.of(" 10 "));
        assertSame(CropPolicy.FULL, CropPolicy.of("144"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CropPolicy.of("12"));
        assertEquals("unknown crop policy '12' (valid: 1, 10, 144)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CropPolicy.of(null));
        assertEquals(List.of(1, 10, 144), List.of(CropPolicy.CENTER.nominalCrops(), CropPolicy.TEN.nominalCrops(),
                CropPolicy.FULL.nominalCrops()));
    }

    @Test
    void scaleSidesFollowThePapersRatiosRounded() {
        // 8*256/224 = 9.14, 8*288/224 = 10.29, 8*320/224 = 11.43, 8*352/224 = 12.57
        assertArrayEquals(new int[] {9, 10, 11, 13}, CropPolicy.FULL.scaleSides(8));
        // 12*256/224 = 13.71, 15.43, 17.14, 18.86
        assertArrayEquals(new int[] {14, 15, 17, 19}, CropPolicy.FULL.scaleSides(12));
        assertArrayEquals(new int[] {55, 62, 69, 75}, CropPolicy.FULL.scaleSides(48));
        assertArrayEquals(new int[] {14}, CropPolicy.TEN.scaleSides(12));
        assertArrayEquals(new int[] {12}, CropPolicy.CENTER.scaleSides(12));
        assertArrayEquals(new int[] {256, 288, 320, 352}, CropPolicy.FULL.scaleSides(224));
    }

    @ParameterizedTest
    @ValueSource(ints = {8, 12})
    void countsAndWeightsOnAStoredSquareImage(int s) {
        FloatImage img = coordinates(s, s);
        List<Crop> one = CropPolicy.CENTER.crops(img, s);
        List<Crop> ten = CropPolicy.TEN.crops(img, s);
        List<Crop> full = CropPolicy.FULL.crops(img, s);
        assertEquals(1, one.size());
        assertEquals(10, ten.size());
        assertEquals(48, full.size());
        assertEquals(48, CropPolicy.FULL.forwardPasses(s, s, s));
        assertEquals(1, weightSum(one));
        assertEquals(10, weightSum(ten));
        assertEquals(144, weightSum(full));
        assertTrue(ten.stream().allMatch(c -> c.weight() == 1));
        assertTrue(full.stream().allMatch(c -> c.weight() == 3), "the three squares of a square image coincide");
        for (Crop c : full) {
            assertEquals(CHANNELS * s * s, c.chw().length);
        }
        // 144 = 4 scales x 6 positions x 2 mirrors (x 3 squares as weight): each combination exactly once.
        Map<String, Integer> seen = new TreeMap<>();
        for (Crop c : full) {
            seen.merge(c.window().scaleSide() + "/" + c.window().position() + "/" + c.window().mirrored(), 1, Integer::sum);
        }
        assertEquals(48, seen.size());
        assertTrue(seen.values().stream().allMatch(n -> n == 1));
    }

    @Test
    void centerPolicyOnAStoredImageIsTheStoredImageItself() {
        FloatImage img = coordinates(12, 12);
        List<Crop> crops = CropPolicy.CENTER.cropsOfStored(img.toChw(), CHANNELS, 12);
        assertEquals(1, crops.size());
        assertArrayEquals(img.toChw(), crops.get(0).chw());
        CropWindow w = crops.get(0).window();
        assertEquals(new CropWindow(12, 12, 12, 1, 0, 0, Position.CENTER, 0, 0, 12, false, 1), w);
    }

    @Test
    void tenCropGeometryAndExactPixelsAtS12() {
        int s = 12;
        FloatImage img = coordinates(s, s);
        FloatImage resized = Resize.resize(img, 14, 14, Interpolation.BILINEAR); // L = round(12*256/224) = 14
        List<Crop> crops = CropPolicy.TEN.cropsOfStored(img.toChw(), CHANNELS, s);
        Map<Position, int[]> expected = Map.of(Position.TOP_LEFT, new int[] {0, 0}, Position.TOP_RIGHT, new int[] {2, 0},
                Position.BOTTOM_LEFT, new int[] {0, 2}, Position.BOTTOM_RIGHT, new int[] {2, 2},
                Position.CENTER, new int[] {1, 1});
        for (int i = 0; i < crops.size(); i += 2) {
            Crop plain = crops.get(i);
            Crop mirror = crops.get(i + 1);
            CropWindow w = plain.window();
            assertFalse(w.mirrored());
            assertTrue(mirror.window().mirrored());
            assertEquals(w.position(), mirror.window().position());
            assertEquals(14, w.scaleSide());
            assertEquals(s, w.size());
            assertArrayEquals(expected.get(w.position()), new int[] {w.x(), w.y()}, w.label());
            assertWindowPixels(resized, plain, w.x(), w.y(), s);
            assertMirror(plain, mirror, s);
        }
        assertEquals(5, crops.stream().filter(c -> !c.window().mirrored()).map(c -> c.window().position()).distinct().count());
        // The corner crop's top-left pixel is the resized image's (0, 0); the far corner's bottom-right is (13, 13).
        assertEquals(resized.get(0, 0, 2), pixel(crops.get(0), s, 0, 0, 2));
        Crop bottomRight = crops.stream().filter(c -> c.window().position() == Position.BOTTOM_RIGHT).findFirst().orElseThrow();
        assertEquals(resized.get(13, 13, 1), pixel(bottomRight, s, s - 1, s - 1, 1));
    }

    @Test
    void tenCropAtS8HasTheCenterWindowOnTheTopLeftOne() {
        // L = round(8*256/224) = 9: the center offset floor((9-8)/2) = 0 coincides with the top-left corner.
        List<CropWindow> ws = CropPolicy.TEN.windows(8, 8, 8);
        assertEquals(10, ws.size());
        CropWindow center = ws.stream().filter(w -> w.position() == Position.CENTER).findFirst().orElseThrow();
        assertEquals(0, center.x());
        assertEquals(0, center.y());
        CropWindow br = ws.stream().filter(w -> w.position() == Position.BOTTOM_RIGHT).findFirst().orElseThrow();
        assertEquals(1, br.x());
        assertEquals(1, br.y());
    }

    @ParameterizedTest
    @ValueSource(ints = {8, 12})
    void fullPolicyPixelsMatchTheResizedImages(int s) {
        FloatImage img = coordinates(s, s);
        List<Crop> crops = CropPolicy.FULL.crops(img, s);
        for (int i = 0; i < crops.size(); i += 2) {
            Crop plain = crops.get(i);
            CropWindow w = plain.window();
            FloatImage resized = Resize.resize(img, w.scaleSide(), w.scaleSide(), Interpolation.BILINEAR);
            int far = w.scaleSide() - s;
            if (w.position() == Position.WHOLE) {
                assertEquals(0, w.x());
                assertEquals(w.scaleSide(), w.size());
                assertArrayEquals(Resize.resize(resized, s, s, Interpolation.BILINEAR).toChw(), plain.chw(), w.label());
            } else {
                int ex = w.position() == Position.CENTER ? far / 2 : (w.position().name().endsWith("RIGHT") ? far : 0);
                int ey = w.position() == Position.CENTER ? far / 2 : (w.position().name().startsWith("BOTTOM") ? far : 0);
                assertEquals(ex, w.x(), w.label());
                assertEquals(ey, w.y(), w.label());
                assertWindowPixels(resized, plain, w.x(), w.y(), s);
            }
            assertMirror(plain, crops.get(i + 1), s);
        }
    }

    @Test
    void mirroringTheCropIsMirroringTheImage() {
        // The top-left crop's mirror is (up to resampling rounding) the top-right crop of the mirrored image.
        int s = 12;
        FloatImage img = coordinates(s, s);
        FloatImage flipped = FloatImage.fromChw(s, s, CHANNELS, CropPolicy.mirrorChw(img.toChw(), CHANNELS, s, s));
        List<Crop> a = CropPolicy.TEN.crops(img, s);
        List<Crop> b = CropPolicy.TEN.crops(flipped, s);
        Crop mirroredTopLeft = a.get(1);
        Crop topRightOfFlipped = b.get(2);
        assertEquals(Position.TOP_LEFT, mirroredTopLeft.window().position());
        assertEquals(Position.TOP_RIGHT, topRightOfFlipped.window().position());
        assertFalse(topRightOfFlipped.window().mirrored());
        assertArrayEquals(topRightOfFlipped.chw(), mirroredTopLeft.chw(), 1e-2f);
    }

    @Test
    void cropsKeepTheStoredNormalization() {
        // A constant mean-subtracted image stays constant: no crop re-normalizes.
        float[] chw = new float[CHANNELS * 8 * 8];
        java.util.Arrays.fill(chw, -0.25f);
        for (Crop c : CropPolicy.FULL.cropsOfStored(chw, CHANNELS, 8)) {
            for (float v : c.chw()) {
                assertEquals(-0.25f, v, 1e-6f, c.window().label());
            }
        }
    }

    @Test
    void landscapeImageHasThreeDistinctSquares() {
        int s = 8;
        FloatImage img = coordinates(20, 10);
        List<Crop> crops = CropPolicy.FULL.crops(img, s);
        assertEquals(144, crops.size());
        assertEquals(144, weightSum(crops));
        assertTrue(crops.stream().allMatch(c -> c.weight() == 1));
        // Scale 256: shorter side 9, width round(20*9/10) = 18; squares at x = 0, floor(9/2) = 4, 9.
        List<CropWindow> first = crops.stream().map(Crop::window).filter(w -> w.scaleSide() == 9
                && w.position() == Position.TOP_LEFT && !w.mirrored()).toList();
        assertEquals(List.of(0, 1, 2), first.stream().map(CropWindow::squareIndex).toList());
        assertEquals(List.of(0, 4, 9), first.stream().map(CropWindow::squareX).toList());
        assertTrue(first.stream().allMatch(w -> w.resizedWidth() == 18 && w.resizedHeight() == 9 && w.squareY() == 0));
        FloatImage resized = Resize.resize(img, 18, 9, Interpolation.BILINEAR);
        for (int i = 0; i < crops.size(); i += 2) {
            CropWindow w = crops.get(i).window();
            if (w.scaleSide() != 9) {
                continue;
            }
            if (w.position() == Position.WHOLE) {
                FloatImage square = FloatImage.fromChw(9, 9, CHANNELS, CropPolicy.windowChw(resized, w.squareX(), 0, 9));
                assertArrayEquals(Resize.resize(square, s, s, Interpolation.BILINEAR).toChw(), crops.get(i).chw());
            } else {
                assertWindowPixels(resized, crops.get(i), w.x(), w.y(), s);
                assertEquals(w.squareX() + (w.position().name().endsWith("RIGHT") ? 1 : 0), w.x(), w.label());
            }
            assertMirror(crops.get(i), crops.get(i + 1), s);
        }
    }

    @Test
    void portraitImageStacksItsSquaresVertically() {
        List<CropWindow> ws = CropPolicy.FULL.windows(10, 20, 8);
        assertEquals(144, ws.size());
        List<CropWindow> corners = ws.stream().filter(w -> w.scaleSide() == 13 && w.position() == Position.TOP_LEFT
                && !w.mirrored()).toList();
        // Scale 352: shorter side 13, height round(20*13/10) = 26; squares at y = 0, 6, 13.
        assertEquals(List.of(0, 6, 13), corners.stream().map(CropWindow::squareY).toList());
        assertTrue(corners.stream().allMatch(w -> w.squareX() == 0 && w.resizedWidth() == 13 && w.resizedHeight() == 26));
        // Ten crops use the center square only.
        assertTrue(CropPolicy.TEN.windows(10, 20, 8).stream().allMatch(w -> w.squareIndex() == 1 && w.squareY() == 4));
    }

    @Test
    void nearlySquareImageMergesTheCoincidingSquares() {
        // 11x10 at S = 8: every scale leaves one column of slack; left (0) and center (floor(1/2) = 0) coincide.
        List<CropWindow> ws = CropPolicy.FULL.windows(11, 10, 8);
        assertEquals(4 * 2 * 12, ws.size());
        assertEquals(144, ws.stream().mapToInt(CropWindow::weight).sum());
        List<CropWindow> corners = ws.stream().filter(w -> w.scaleSide() == 9 && w.position() == Position.TOP_LEFT
                && !w.mirrored()).toList();
        assertEquals(List.of(0, 2), corners.stream().map(CropWindow::squareIndex).toList());
        assertEquals(List.of(2, 1), corners.stream().map(CropWindow::weight).toList());
        assertEquals(List.of(0, 1), corners.stream().map(CropWindow::squareX).toList());
    }

    @Test
    void rejectsAStoredExampleOfTheWrongSize() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CropPolicy.TEN.cropsOfStored(new float[10], 3, 8));
        assertEquals("stored example has 10 values, expected 3x8x8 = 192", e.getMessage());
    }

    @Test
    void storedContextScaleSidesAreRelativeToTheStoredImageAsThePapers256() {
        // T = 56, S = 48: the stored image is the 256 image; 56*288/256 = 63, 56*320/256 = 70, 56*352/256 = 77.
        assertArrayEquals(new int[] {56}, CropPolicy.CENTER.scaleSides(56, 48));
        assertArrayEquals(new int[] {56}, CropPolicy.TEN.scaleSides(56, 48));
        assertArrayEquals(new int[] {56, 63, 70, 77}, CropPolicy.FULL.scaleSides(56, 48));
        // T = S: today's sides, relative to the input as the paper's 224.
        for (CropPolicy p : CropPolicy.values()) {
            assertArrayEquals(p.scaleSides(48), p.scaleSides(48, 48), p.id());
            assertEquals(p.windows(48, 48, 48), p.windows(48, 48, 48, 48), p.id());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CropPolicy.TEN.scaleSides(48, 56));
        assertEquals("input size 56 is larger than the stored images (48 px)", e.getMessage());
    }

    @Test
    void storedContextOneCropIsTheCenterWindowAtNativeScale() {
        FloatImage img = coordinates(56, 56);
        List<Crop> crops = CropPolicy.CENTER.cropsOfStored(img.toChw(), CHANNELS, 56, 48);
        assertEquals(1, crops.size());
        // floor((56 - 48) / 2) = 4, no resize: pixel (x, y) of the crop is pixel (x + 4, y + 4) of the stored image.
        assertEquals(new CropWindow(56, 56, 56, 1, 0, 0, Position.CENTER, 4, 4, 48, false, 1), crops.get(0).window());
        assertWindowPixels(img, crops.get(0), 4, 4, 48);
        assertEquals(img.get(4, 4, 0), pixel(crops.get(0), 48, 0, 0, 0));
        assertEquals(img.get(51, 51, 2), pixel(crops.get(0), 48, 47, 47, 2));
    }

    @Test
    void storedContextTenCropsAreTheCornersAndCenterOfTheStoredImage() {
        FloatImage img = coordinates(56, 56);
        List<Crop> crops = CropPolicy.TEN.cropsOfStored(img.toChw(), CHANNELS, 56, 48);
        assertEquals(10, crops.size());
        Map<Position, int[]> expected = Map.of(Position.TOP_LEFT, new int[] {0, 0}, Position.TOP_RIGHT, new int[] {8, 0},
                Position.BOTTOM_LEFT, new int[] {0, 8}, Position.BOTTOM_RIGHT, new int[] {8, 8},
                Position.CENTER, new int[] {4, 4});
        for (int i = 0; i < crops.size(); i += 2) {
            CropWindow w = crops.get(i).window();
            assertEquals(56, w.scaleSide(), w.label());
            assertEquals(48, w.size(), w.label());
            assertEquals(1, w.weight(), w.label());
            assertArrayEquals(expected.get(w.position()), new int[] {w.x(), w.y()}, w.label());
            assertWindowPixels(img, crops.get(i), w.x(), w.y(), 48);
            assertMirror(crops.get(i), crops.get(i + 1), 48);
        }
        assertEquals(expected.keySet(), crops.stream().map(c -> c.window().position()).collect(
                java.util.stream.Collectors.toSet()));
    }

    @Test
    void storedContextFullPolicyCropsTheResizedStoredImage() {
        FloatImage img = coordinates(56, 56);
        List<Crop> crops = CropPolicy.FULL.cropsOfStored(img.toChw(), CHANNELS, 56, 48);
        assertEquals(48, crops.size());
        assertEquals(144, weightSum(crops));
        assertEquals(List.of(56, 63, 70, 77), crops.stream().map(c -> c.window().scaleSide()).distinct().toList());
        for (int i = 0; i < crops.size(); i += 2) {
            Crop plain = crops.get(i);
            CropWindow w = plain.window();
            FloatImage resized = Resize.resize(img, w.scaleSide(), w.scaleSide(), Interpolation.BILINEAR);
            int far = w.scaleSide() - 48;
            if (w.position() == Position.WHOLE) {
                assertArrayEquals(Resize.resize(resized, 48, 48, Interpolation.BILINEAR).toChw(), plain.chw(), w.label());
            } else {
                int ex = w.position() == Position.CENTER ? far / 2 : (w.position().name().endsWith("RIGHT") ? far : 0);
                int ey = w.position() == Position.CENTER ? far / 2 : (w.position().name().startsWith("BOTTOM") ? far : 0);
                assertArrayEquals(new int[] {ex, ey}, new int[] {w.x(), w.y()}, w.label());
                assertWindowPixels(resized, plain, w.x(), w.y(), 48);
            }
            assertMirror(plain, crops.get(i + 1), 48);
        }
        // The first scale is the stored image itself: its center window is the 1-crop policy's crop.
        Crop center56 = crops.stream().filter(c -> c.window().scaleSide() == 56 && c.window().position() == Position.CENTER
                && !c.window().mirrored()).findFirst().orElseThrow();
        assertArrayEquals(CropPolicy.CENTER.cropsOfStored(img.toChw(), CHANNELS, 56, 48).get(0).chw(), center56.chw());
    }

    private static int weightSum(List<Crop> crops) {
        return crops.stream().mapToInt(Crop::weight).sum();
    }

    private static void assertWindowPixels(FloatImage resized, Crop crop, int x0, int y0, int s) {
        for (int c = 0; c < CHANNELS; c++) {
            for (int y = 0; y < s; y++) {
                for (int x = 0; x < s; x++) {
                    assertEquals(resized.get(x0 + x, y0 + y, c), pixel(crop, s, x, y, c), crop.window().label());
                }
            }
        }
    }

    private static void assertMirror(Crop plain, Crop mirror, int s) {
        CropWindow a = plain.window();
        CropWindow b = mirror.window();
        assertFalse(a.mirrored());
        assertTrue(b.mirrored());
        assertEquals(new CropWindow(a.scaleSide(), a.resizedWidth(), a.resizedHeight(), a.squareIndex(), a.squareX(),
                a.squareY(), a.position(), a.x(), a.y(), a.size(), true, a.weight()), b);
        for (int c = 0; c < CHANNELS; c++) {
            for (int y = 0; y < s; y++) {
                for (int x = 0; x < s; x++) {
                    assertEquals(pixel(plain, s, s - 1 - x, y, c), pixel(mirror, s, x, y, c), b.label());
                }
            }
        }
    }
}
