package io.sparkinception.preprocessing.image;

/**
 * A bounding box in inclusive integer pixel coordinates: it covers columns x1..x2 and rows y1..y2
 * (GTSRB's ROI and Pascal VOC's bndbox both use this convention).
 */
public record Box(int x1, int y1, int x2, int y2) implements java.io.Serializable {

    /** Width and height must fit an int (so no arithmetic on a box overflows): else IllegalArgumentException. */
    public Box {
        if (Math.abs((long) x2 - x1 + 1) > Integer.MAX_VALUE || Math.abs((long) y2 - y1 + 1) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("box (" + x1 + "," + y1 + "," + x2 + "," + y2
                    + ") is too large: its width or height overflows an int");
        }
    }

    public int width() {
        return x2 - x1 + 1;
    }

    public int height() {
        return y2 - y1 + 1;
    }

    /** True when x2 &lt; x1 or y2 &lt; y1: a box with its corners swapped. */
    public boolean inverted() {
        return x2 < x1 || y2 < y1;
    }

    /**
     * True when the box covers no area. Pascal VOC boxes are inclusive, so a box with x1 == x2 is one pixel
     * wide; annotation tools that write a zero-size box (BCCD's BloodImage_00338) write x1 == x2 and y1 == y2,
     * which we treat as degenerate: a single pixel is not an object.
     */
    public boolean degenerate() {
        return x1 == x2 || y1 == y2;
    }

    /** True when the box and the image [0, width) x [0, height) share no pixel. */
    public boolean outside(int imageWidth, int imageHeight) {
        return x2 < 0 || y2 < 0 || x1 >= imageWidth || y1 >= imageHeight;
    }

    /** True when every pixel of the box lies in the image. */
    public boolean inside(int imageWidth, int imageHeight) {
        return x1 >= 0 && y1 >= 0 && x2 < imageWidth && y2 < imageHeight;
    }

    @Override
    public String toString() {
        return "(" + x1 + "," + y1 + "," + x2 + "," + y2 + ")";
    }
}
