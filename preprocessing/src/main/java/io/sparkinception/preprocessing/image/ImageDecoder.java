package io.sparkinception.preprocessing.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes encoded image bytes (PNG, JPEG, BMP, GIF: whatever the JDK's ImageIO reads) into RGB
 * {@link FloatImage}s with values 0..255. Grayscale images become three equal channels; an alpha channel is
 * dropped (the colour values are kept as stored, not composited).
 */
public final class ImageDecoder {
    private ImageDecoder() {
    }

    /** Why an image could not be decoded. */
    public static final class DecodeException extends Exception {
        public DecodeException(String message) {
            super(message);
        }

        public DecodeException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public static FloatImage decodeRgb(byte[] bytes) throws DecodeException {
        BufferedImage image = read(bytes);
        int w = image.getWidth();
        int h = image.getHeight();
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        float[] hwc = new float[w * h * 3];
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            hwc[3 * i] = (p >> 16) & 0xff;
            hwc[3 * i + 1] = (p >> 8) & 0xff;
            hwc[3 * i + 2] = p & 0xff;
        }
        return new FloatImage(w, h, 3, hwc);
    }

    /** Decodes to a {@link BufferedImage}; truncated or corrupt data is an error, never a partial image. */
    public static BufferedImage read(byte[] bytes) throws DecodeException {
        if (bytes.length == 0) {
            throw new DecodeException("empty file");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new DecodeException("not a recognised image format");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                BufferedImage image = reader.read(0);
                if (image == null || image.getWidth() <= 0 || image.getHeight() <= 0) {
                    throw new DecodeException("decoder returned no pixels");
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            // ImageIO signals truncation and corruption with IIOException, EOFException and, for some
            // malformed PNG/JPEG streams, runtime exceptions (e.g. IndexOutOfBounds in the inflater).
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new DecodeException("corrupt or truncated image: " + message, e);
        }
    }
}
