package io.sparkinception.trainer.inference;

import io.sparkinception.preprocessing.image.FloatImage;
import io.sparkinception.preprocessing.image.Interpolation;
import io.sparkinception.preprocessing.image.Resize;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The test-time crop policies of the GoogLeNet paper (section 7), by the names users type ({@code --crops 1,10,144}).
 *
 * <p>The paper crops 224 x 224 windows from an image whose shorter side is resized to 256 (10 crops) or to 256, 288,
 * 320 and 352 (144 crops). Our stored examples are already the annotated box cropped and resized to the network's
 * input size S (the preprocessing step), so there is no larger original to crop from. The policies therefore work
 * from the stored image, resized by the paper's ratios: the shorter side becomes {@code round(S * scale / 224)}
 * for the paper's scale (256 ... 352), and windows of S x S are taken from it. The stored S x S image plays the
 * role of the paper's 224 x 224 center crop.
 * <ul>
 *   <li>{@code 1}: the center S x S window of the image with shorter side S, i.e. the stored image itself.</li>
 *   <li>{@code 10}: shorter side {@code round(S*256/224)}; of the center square, the 4 corner windows and the
 *       center window (offset {@code floor((L-S)/2)}), each also mirrored: 10 crops.</li>
 *   <li>{@code 144}: shorter side {@code round(S*s/224)} for s in 256, 288, 320, 352; the left, center and right
 *       squares (top, center, bottom for portrait images); of each, the 4 corner windows, the center window and the
 *       whole square resized to S; each also mirrored: 4 x 3 x 6 x 2 = 144. Squares that coincide (all three for a
 *       square image) are computed once and carry the weight of all of them, so a square image needs 48 forward
 *       passes and the weighted average equals the 144-crop average exactly.</li>
 * </ul>
 * Resizing is bilinear ({@link Interpolation#BILINEAR}); mirroring flips the final S x S crop horizontally.
 * At very small S two windows of one square can coincide (e.g. S = 8: L = 9, the center window is the top-left
 * one); they are still returned separately, so the forward-pass count depends only on the image's shape.
 *
 * <p><b>Stored context.</b> When the examples were stored larger (T) than the network's input ({@code S < T}; train's
 * {@code input-size}), the stored T x T image plays the role of the paper's image with shorter side 256, as it did
 * for the paper's crops: {@code 1} is the center S x S window at native scale (offset {@code floor((T-S)/2)}, no
 * resize), {@code 10} the four corner windows and the center window of the stored image at native scale (and their
 * mirrors), and {@code 144} takes shorter sides {@code round(T * s / 256)} for s in 256 ... 352 (the first is the
 * stored image itself). With T = S the policies are the ones above, exactly.
 */
public enum CropPolicy {
    /** One crop: the center square at the input size (for stored images: the stored image). */
    CENTER("1", 1, new int[] {CropPolicy.REFERENCE_INPUT}, new int[] {CropPolicy.TEN_CROP_SCALE}, false, false, false),
    /** Ten crops: four corners and center of the center square at the 256 scale, and their mirrors. */
    TEN("10", 10, new int[] {CropPolicy.TEN_CROP_SCALE}, new int[] {CropPolicy.TEN_CROP_SCALE}, false, false, true),
    /** The paper's 144 crops: 4 scales x 3 squares x (4 corners + center + whole square) x mirror. */
    FULL("144", 144, new int[] {256, 288, 320, 352}, new int[] {256, 288, 320, 352}, true, true, true);

    /** The paper's network input size: the scales below are relative to it. */
    public static final int REFERENCE_INPUT = 224;
    /** The shorter side (at input 224) of the 10-crop policy (the paper's 256). */
    public static final int TEN_CROP_SCALE = 256;

    private final String id;
    private final int nominalCrops;
    private final int[] scales;
    /** The paper's scales when the stored image is larger than the input: relative to the stored side as 256. */
    private final int[] contextScales;
    private final boolean threeSquares;
    private final boolean wholeSquare;
    private final boolean cornersAndMirrors;

    CropPolicy(String id, int nominalCrops, int[] scales, int[] contextScales, boolean threeSquares, boolean wholeSquare,
               boolean cornersAndMirrors) {
        this.id = id;
        this.nominalCrops = nominalCrops;
        this.scales = scales;
        this.contextScales = contextScales;
        this.threeSquares = threeSquares;
        this.wholeSquare = wholeSquare;
        this.cornersAndMirrors = cornersAndMirrors;
    }

    /** The policy's name as users type it: {@code 1}, {@code 10} or {@code 144}. */
    public String id() {
        return id;
    }

    /** The paper's crop count (1, 10, 144): the "cost" column of its Table 3. */
    public int nominalCrops() {
        return nominalCrops;
    }

    /** The paper's scales for input size S: {@code round(S * scale / 224)}, the shorter side of each resized image. */
    public int[] scaleSides(int inputSize) {
        requirePositive(inputSize, "input size");
        return sides(scales, inputSize, REFERENCE_INPUT);
    }

    /**
     * The shorter side of each resized image for examples stored at T = {@code storedSize} and a network input of
     * S = {@code inputSize}: {@link #scaleSides(int)} when T = S; with stored context (T > S),
     * {@code round(T * scale / 256)} (the stored image is the paper's 256 image; the 1-crop policy's scale is 256).
     *
     * @throws IllegalArgumentException when the input is larger than the stored image
     */
    public int[] scaleSides(int storedSize, int inputSize) {
        requirePositive(storedSize, "stored size");
        requirePositive(inputSize, "input size");
        if (inputSize > storedSize) {
            throw new IllegalArgumentException("input size " + inputSize + " is larger than the stored images ("
                    + storedSize + " px)");
        }
        return storedSize == inputSize ? scaleSides(inputSize) : sides(contextScales, storedSize, TEN_CROP_SCALE);
    }

    private static int[] sides(int[] paperScales, int size, int reference) {
        int[] sides = new int[paperScales.length];
        for (int i = 0; i < paperScales.length; i++) {
            sides[i] = (int) Math.round(size * (double) paperScales[i] / reference);
        }
        return sides;
    }

    /**
     * The policy called {@code name}: {@code 1}, {@code 10} or {@code 144}.
     *
     * @throws IllegalArgumentException naming the unknown name and listing the valid ones
     */
    public static CropPolicy of(String name) {
        String wanted = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (CropPolicy p : values()) {
            if (p.id.equals(wanted)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown crop policy '" + name + "' (valid: 1, 10, 144)");
    }

    /**
     * The distinct crop windows for an image of {@code width x height}, in order: scale, square, position
     * (corners, center, whole), unmirrored before mirrored. Their weights sum to {@link #nominalCrops()}.
     */
    public List<CropWindow> windows(int width, int height, int inputSize) {
        return windows(width, height, inputSize, inputSize);
    }

    /**
     * {@link #windows(int, int, int)} for an image whose shorter side stands for the stored size T =
     * {@code storedSize} and a network input of S = {@code inputSize}, at most T ({@link #scaleSides(int, int)}).
     */
    public List<CropWindow> windows(int width, int height, int storedSize, int inputSize) {
        requirePositive(width, "image width");
        requirePositive(height, "image height");
        List<CropWindow> out = new ArrayList<>();
        for (int side : scaleSides(storedSize, inputSize)) {
            boolean landscape = width >= height;
            int shorter = Math.min(width, height);
            int longer = Math.max(width, height);
            int resizedLonger = Math.max(side, (int) Math.round(longer * (double) side / shorter));
            int rw = landscape ? resizedLonger : side;
            int rh = landscape ? side : resizedLonger;
            int slack = resizedLonger - side;
            // Offsets of the left/top, center and right/bottom squares along the longer axis; equal ones merged.
            int[] offsets = threeSquares ? new int[] {0, slack / 2, slack} : new int[] {slack / 2};
            int[] indices = threeSquares ? new int[] {0, 1, 2} : new int[] {1};
            for (int i = 0; i < offsets.length; i++) {
                if (i > 0 && offsets[i] == offsets[i - 1]) {
                    continue;
                }
                int copies = 1;
                while (i + copies < offsets.length && offsets[i + copies] == offsets[i]) {
                    copies++;
                }
                int sx = landscape ? offsets[i] : 0;
                int sy = landscape ? 0 : offsets[i];
                addSquare(out, side, rw, rh, indices[i], sx, sy, inputSize, copies);
            }
        }
        return out;
    }

    private void addSquare(List<CropWindow> out, int side, int rw, int rh, int square, int sx, int sy, int s,
                           int weight) {
        int far = side - s;
        int mid = far / 2;
        List<CropWindow.Position> positions = new ArrayList<>();
        if (cornersAndMirrors) {
            positions.addAll(List.of(CropWindow.Position.TOP_LEFT, CropWindow.Position.TOP_RIGHT,
                    CropWindow.Position.BOTTOM_LEFT, CropWindow.Position.BOTTOM_RIGHT));
        }
        positions.add(CropWindow.Position.CENTER);
        if (wholeSquare) {
            positions.add(CropWindow.Position.WHOLE);
        }
        for (CropWindow.Position p : positions) {
            int dx = switch (p) {
                case TOP_LEFT, BOTTOM_LEFT, WHOLE -> 0;
                case TOP_RIGHT, BOTTOM_RIGHT -> far;
                case CENTER -> mid;
            };
            int dy = switch (p) {
                case TOP_LEFT, TOP_RIGHT, WHOLE -> 0;
                case BOTTOM_LEFT, BOTTOM_RIGHT -> far;
                case CENTER -> mid;
            };
            int size = p == CropWindow.Position.WHOLE ? side : s;
            out.add(new CropWindow(side, rw, rh, square, sx, sy, p, sx + dx, sy + dy, size, false, weight));
            if (cornersAndMirrors) {
                out.add(new CropWindow(side, rw, rh, square, sx, sy, p, sx + dx, sy + dy, size, true, weight));
            }
        }
    }

    /** Forward passes needed per image of this shape: the number of distinct windows (48 for 144 on a square). */
    public int forwardPasses(int width, int height, int inputSize) {
        return windows(width, height, inputSize).size();
    }

    /** {@link #forwardPasses(int, int, int)} with stored context ({@link #windows(int, int, int, int)}). */
    public int forwardPasses(int width, int height, int storedSize, int inputSize) {
        return windows(width, height, storedSize, inputSize).size();
    }

    /** The crops of an image (any size, HWC), each {@code channels x inputSize x inputSize} CHW. */
    public List<Crop> crops(FloatImage image, int inputSize) {
        return crops(image, inputSize, inputSize);
    }

    /** {@link #crops(FloatImage, int)} with stored context ({@link #windows(int, int, int, int)}). */
    public List<Crop> crops(FloatImage image, int storedSize, int inputSize) {
        List<CropWindow> windows = windows(image.width(), image.height(), storedSize, inputSize);
        Map<Integer, FloatImage> resized = new HashMap<>();
        List<Crop> out = new ArrayList<>(windows.size());
        for (CropWindow w : windows) {
            FloatImage scaled = resized.computeIfAbsent(w.scaleSide(),
                    k -> Resize.resize(image, w.resizedWidth(), w.resizedHeight(), Interpolation.BILINEAR));
            float[] chw = w.size() == inputSize
                    ? windowChw(scaled, w.x(), w.y(), inputSize)
                    : Resize.resize(FloatImage.fromChw(w.size(), w.size(), image.channels(),
                            windowChw(scaled, w.x(), w.y(), w.size())), inputSize, inputSize,
                            Interpolation.BILINEAR).toChw();
            out.add(new Crop(w, w.mirrored() ? mirrorChw(chw, image.channels(), inputSize, inputSize) : chw));
        }
        return out;
    }

    /** The crops of a stored example: a CHW {@code channels x inputSize x inputSize} array, as in the shards. */
    public List<Crop> cropsOfStored(float[] chw, int channels, int inputSize) {
        return cropsOfStored(chw, channels, inputSize, inputSize);
    }

    /**
     * The crops of a stored example of {@code channels x storedSize x storedSize} (CHW) for a network input of
     * {@code inputSize}, at most {@code storedSize}: with stored context when the input is smaller.
     */
    public List<Crop> cropsOfStored(float[] chw, int channels, int storedSize, int inputSize) {
        requirePositive(channels, "channels");
        requirePositive(storedSize, "stored size");
        if (chw.length != channels * storedSize * storedSize) {
            throw new IllegalArgumentException("stored example has " + chw.length + " values, expected "
                    + channels + "x" + storedSize + "x" + storedSize + " = " + channels * storedSize * storedSize);
        }
        return crops(FloatImage.fromChw(storedSize, storedSize, channels, chw), storedSize, inputSize);
    }

    /** The {@code size x size} window at (x, y) of an HWC image, as a CHW array. */
    static float[] windowChw(FloatImage image, int x, int y, int size) {
        int c = image.channels();
        float[] hwc = image.hwc();
        float[] out = new float[c * size * size];
        int plane = size * size;
        for (int row = 0; row < size; row++) {
            int in = ((y + row) * image.width() + x) * c;
            for (int col = 0; col < size; col++) {
                for (int ch = 0; ch < c; ch++) {
                    out[ch * plane + row * size + col] = hwc[in + col * c + ch];
                }
            }
        }
        return out;
    }

    /** A horizontally flipped copy of a CHW array. */
    public static float[] mirrorChw(float[] chw, int channels, int width, int height) {
        if (chw.length != channels * width * height) {
            throw new IllegalArgumentException("array has " + chw.length + " values, expected "
                    + channels + "x" + height + "x" + width);
        }
        float[] out = new float[chw.length];
        for (int ch = 0; ch < channels; ch++) {
            for (int row = 0; row < height; row++) {
                int base = (ch * height + row) * width;
                for (int col = 0; col < width; col++) {
                    out[base + col] = chw[base + width - 1 - col];
                }
            }
        }
        return out;
    }

    private static void requirePositive(int v, String what) {
        if (v <= 0) {
            throw new IllegalArgumentException(what + " must be positive, got " + v);
        }
    }
}
