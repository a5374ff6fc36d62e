package io.sparkinception.trainer.inference;

/**
 * Where one test-time crop comes from, in integers: the image is resized so that its shorter side is
 * {@code scaleSide} ({@code resizedWidth x resizedHeight}); a square of side {@code scaleSide} is taken at
 * ({@code squareX}, {@code squareY}); inside it a {@code size x size} window at ({@code x}, {@code y}) (coordinates
 * in the resized image, not in the square); the window is resized to the network's input size when
 * {@code size} differs from it ({@link Position#WHOLE}); {@code mirrored} flips the result horizontally.
 *
 * @param scaleSide    the resized image's shorter side (L)
 * @param resizedWidth width of the resized image
 * @param resizedHeight height of the resized image
 * @param squareIndex  0 = left (top for portrait images), 1 = center, 2 = right (bottom); when several of the three
 *                     squares coincide, the lowest index of them
 * @param squareX      left of the square in the resized image
 * @param squareY      top of the square in the resized image
 * @param position     which window of the square
 * @param x            left of the window in the resized image
 * @param y            top of the window in the resized image
 * @param size         side of the window (the input size, or {@code scaleSide} for {@link Position#WHOLE})
 * @param mirrored     flipped horizontally after cropping (and resizing)
 * @param weight       how many of the policy's nominal crops this window stands for (identical squares merged)
 */
public record CropWindow(int scaleSide, int resizedWidth, int resizedHeight, int squareIndex, int squareX,
                         int squareY, Position position, int x, int y, int size, boolean mirrored, int weight) {

    /** The windows of a square: the four corners, the center, and the whole square (resized to the input size). */
    public enum Position {
        TOP_LEFT, TOP_RIGHT, BOTTOM_LEFT, BOTTOM_RIGHT, CENTER, WHOLE
    }

    public CropWindow {
        if (scaleSide <= 0 || resizedWidth < scaleSide || resizedHeight < scaleSide
                || Math.min(resizedWidth, resizedHeight) != scaleSide) {
            throw new IllegalArgumentException("the resized image " + resizedWidth + "x" + resizedHeight
                    + " must have shorter side " + scaleSide);
        }
        if (squareIndex < 0 || squareIndex > 2) {
            throw new IllegalArgumentException("square index must be 0, 1 or 2, got " + squareIndex);
        }
        if (squareX < 0 || squareY < 0 || squareX + scaleSide > resizedWidth || squareY + scaleSide > resizedHeight) {
            throw new IllegalArgumentException("square at (" + squareX + ", " + squareY + ") of side " + scaleSide
                    + " is outside the " + resizedWidth + "x" + resizedHeight + " image");
        }
        if (size <= 0 || x < squareX || y < squareY || x + size > squareX + scaleSide || y + size > squareY + scaleSide) {
            throw new IllegalArgumentException("window at (" + x + ", " + y + ") of side " + size
                    + " is outside its square at (" + squareX + ", " + squareY + ") of side " + scaleSide);
        }
        if (weight <= 0) {
            throw new IllegalArgumentException("weight must be positive, got " + weight);
        }
    }

    /** A short readable label, e.g. {@code L=55 sq1 center (3,3) 48 mirror x3}. */
    public String label() {
        return "L=" + scaleSide + " sq" + squareIndex + " " + position.name().toLowerCase(java.util.Locale.ROOT)
                + " (" + x + "," + y + ") " + size + (mirrored ? " mirror" : "") + (weight > 1 ? " x" + weight : "");
    }
}
