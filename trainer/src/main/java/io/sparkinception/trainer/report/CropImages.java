package io.sparkinception.trainer.report;

import io.sparkinception.trainer.report.ReportInput.Crop;
import io.sparkinception.trainer.report.ReportInput.Pixels;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import javax.imageio.ImageIO;

/** Normalized CHW crops back to 8-bit RGB images: denormalize, clamp, upscale small crops (nearest neighbour). */
public final class CropImages {
    /** Crops whose shorter side is below this are upscaled by an integer factor to at least this size. */
    public static final int MIN_SIDE = 64;
    /** Gap between the crops of a strip, in pixels (white). */
    public static final int GAP = 2;

    static {
        Headless.ensure();
    }

    private CropImages() {
    }

    /** The upscale factor for a crop: the smallest integer making its shorter side at least {@link #MIN_SIDE}. */
    public static int factor(int height, int width) {
        int side = Math.min(height, width);
        return side >= MIN_SIDE ? 1 : (MIN_SIDE + side - 1) / side;
    }

    /**
     * The crop as an RGB image: {@code round(value * scale[c] + mean[c])} clamped to 0-255 (a gray crop is copied
     * to all three channels), then each pixel repeated {@link #factor} times in both directions.
     */
    public static BufferedImage toImage(Crop crop, Pixels pixels) {
        int c = crop.channels();
        if (pixels.mean().length != c) {
            throw new IllegalArgumentException("crop has " + c + " channels, the normalization " + pixels.mean().length);
        }
        int h = crop.height();
        int w = crop.width();
        int f = factor(h, w);
        BufferedImage img = new BufferedImage(w * f, h * f, BufferedImage.TYPE_INT_RGB);
        float[] x = crop.chw();
        for (int y = 0; y < h; y++) {
            for (int xx = 0; xx < w; xx++) {
                int[] rgb = new int[3];
                for (int ch = 0; ch < 3; ch++) {
                    int src = c == 1 ? 0 : ch;
                    rgb[ch] = to8bit(x[src * h * w + y * w + xx] * pixels.scale()[src] + pixels.mean()[src]);
                }
                int packed = (rgb[0] << 16) | (rgb[1] << 8) | rgb[2];
                for (int dy = 0; dy < f; dy++) {
                    for (int dx = 0; dx < f; dx++) {
                        img.setRGB(xx * f + dx, y * f + dy, packed);
                    }
                }
            }
        }
        return img;
    }

    /** Rounds to the nearest integer and clamps to 0-255. */
    public static int to8bit(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }

    /** Images side by side, top-aligned, separated by {@link #GAP} white pixels; one white pixel when empty. */
    public static BufferedImage strip(List<BufferedImage> images) {
        int width = Math.max(1, images.stream().mapToInt(BufferedImage::getWidth).sum() + GAP * Math.max(0, images.size() - 1));
        int height = Math.max(1, images.stream().mapToInt(BufferedImage::getHeight).max().orElse(1));
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = out.createGraphics();
        try {
            g.setColor(java.awt.Color.WHITE);
            g.fillRect(0, 0, width, height);
            int x = 0;
            for (BufferedImage i : images) {
                g.drawImage(i, x, 0, null);
                x += i.getWidth() + GAP;
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    /** PNG bytes of an image. */
    public static byte[] png(BufferedImage image) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("no PNG writer in this JVM");
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
