package io.sparkinception.testing;

import io.sparkinception.preprocessing.image.FloatImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Synthetic images with known pixel values, for tests. */
public final class TestImages {
    private TestImages() {
    }

    /** An RGB image whose pixel (x, y) is (x, y, (x + y) % 256): every value is known. */
    public static BufferedImage gradient(int width, int height) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                img.setRGB(x, y, (x % 256) << 16 | (y % 256) << 8 | (x + y) % 256);
            }
        }
        return img;
    }

    /** The same gradient as a FloatImage. */
    public static FloatImage gradientFloat(int width, int height) {
        float[] hwc = new float[width * height * 3];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = (y * width + x) * 3;
                hwc[i] = x % 256;
                hwc[i + 1] = y % 256;
                hwc[i + 2] = (x + y) % 256;
            }
        }
        return new FloatImage(width, height, 3, hwc);
    }

    public static byte[] png(BufferedImage img) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(img, "png", out)) {
                throw new IllegalStateException("no PNG writer");
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path writePng(Path file, BufferedImage img) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, png(img));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
