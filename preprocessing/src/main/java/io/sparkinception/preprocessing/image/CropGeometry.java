package io.sparkinception.preprocessing.image;

/**
 * Where to crop: the annotated box grown by a margin, optionally made square, then clamped to the image.
 * Pure integer geometry, no pixels.
 */
public final class CropGeometry {
    private CropGeometry() {
    }

    /**
     * The crop region for a box.
     *
     * @param box     the annotated box (inclusive), must not be inverted
     * @param margin  fraction of the box's width (height) added on the left and right (top and bottom); 0 for none
     * @param square  grow the shorter side to the longer one, centred, before clamping
     * @param width   image width
     * @param height  image height
     * @return the region, inclusive, inside the image; after clamping a square region may no longer be square
     *         (the box touched the border), and the resize then stretches it slightly: we prefer that to
     *         padding with invented pixels.
     */
    public static Box region(Box box, double margin, boolean square, int width, int height) {
        if (box.inverted()) {
            throw new IllegalArgumentException("inverted box " + box);
        }
        if (margin < 0) {
            throw new IllegalArgumentException("margin must be >= 0, got " + margin);
        }
        double cx = (box.x1() + box.x2() + 1) / 2.0;
        double cy = (box.y1() + box.y2() + 1) / 2.0;
        double w = box.width() * (1 + 2 * margin);
        double h = box.height() * (1 + 2 * margin);
        if (square) {
            double side = Math.max(w, h);
            w = side;
            h = side;
        }
        // In longs: a box near the int range grown by a margin must clamp, not wrap around.
        long x1 = Math.round(cx - w / 2.0);
        long y1 = Math.round(cy - h / 2.0);
        long x2 = x1 + Math.round(w) - 1;
        long y2 = y1 + Math.round(h) - 1;
        return new Box(clamp(x1, 0, width - 1), clamp(y1, 0, height - 1),
                clamp(x2, 0, width - 1), clamp(y2, 0, height - 1));
    }

    static int clamp(long v, int lo, int hi) {
        return (int) Math.max(lo, Math.min(hi, v));
    }

    /** Copies the pixels of an (inclusive, in-image) region. */
    public static FloatImage crop(FloatImage image, Box region) {
        if (!region.inside(image.width(), image.height()) || region.inverted()) {
            throw new IllegalArgumentException("region " + region + " is not inside the "
                    + image.width() + "x" + image.height() + " image");
        }
        int w = region.width();
        int h = region.height();
        int c = image.channels();
        float[] out = new float[w * h * c];
        float[] src = image.hwc();
        for (int y = 0; y < h; y++) {
            System.arraycopy(src, ((region.y1() + y) * image.width() + region.x1()) * c, out, y * w * c, w * c);
        }
        return new FloatImage(w, h, c, out);
    }

    /** The mirror image (left-right). */
    public static FloatImage mirror(FloatImage image) {
        int w = image.width();
        int h = image.height();
        int c = image.channels();
        float[] src = image.hwc();
        float[] out = new float[src.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                System.arraycopy(src, (y * w + x) * c, out, (y * w + (w - 1 - x)) * c, c);
            }
        }
        return new FloatImage(w, h, c, out);
    }
}
