package io.sparkinception.preprocessing.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes encoded image bytes (PNG, JPEG, BMP, GIF, TIFF: whatever the JDK's ImageIO reads) into RGB
 * {@link FloatImage}s with values 0..255, bounded: the pixel count is read from the header and checked against a
 * limit before any pixel is decoded, and every allocation of the decode (the decoder's raster, the conversion to
 * floats) happens inside the error handling, so a hostile or huge file is a {@link DecodeException}, never a dead
 * JVM.
 *
 * <p>Pixels are what the file says. Gray and gray+alpha images (8 or 16 bits) and 8/16-bit RGB(A) images are read
 * from the raster directly: the JDK's {@code getRGB} would convert linear gray to sRGB (a stored 77 became 149).
 * Samples of {@code b} bits are scaled to 0..255 as {@code round(v * 255 / (2^b - 1))}; for 16 bits that is
 * {@code round(v / 257)} exactly (65535 = 255 x 257, and no 16-bit value is a tie). Other colour models (palettes,
 * CMYK, ICC profiles) go through {@code getRGB}, which maps them to sRGB. An alpha channel is dropped (the colour
 * values are kept as stored, not composited).
 */
public final class ImageDecoder {
    /** Default limit on width x height, checked from the header: 100 megapixels, far above real photos. */
    public static final long DEFAULT_MAX_PIXELS = 100_000_000L;
    /** Largest pixel count whose float RGB copy fits in one Java array. */
    private static final long ARRAY_LIMIT_PIXELS = (Integer.MAX_VALUE - 8) / 3;

    private ImageDecoder() {
    }

    /** Why an image could not be decoded. The message is never empty. */
    public static class DecodeException extends Exception {
        public DecodeException(String message) {
            super(message);
        }

        public DecodeException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The image is larger than the pixel limit, or too large to decode in this JVM. */
    public static final class TooLargeException extends DecodeException {
        public TooLargeException(String message) {
            super(message);
        }

        public TooLargeException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Decodes with the {@link #DEFAULT_MAX_PIXELS} limit. */
    public static FloatImage decodeRgb(byte[] bytes) throws DecodeException {
        return decodeRgb(bytes, DEFAULT_MAX_PIXELS);
    }

    /**
     * @param maxPixels images whose header declares more than this many pixels (width x height) are refused
     *                  with a {@link TooLargeException} before decoding
     */
    public static FloatImage decodeRgb(byte[] bytes, long maxPixels) throws DecodeException {
        BufferedImage image = read(bytes, maxPixels);
        try {
            return toRgb(image);
        } catch (OutOfMemoryError e) {
            throw new TooLargeException("out of memory converting the " + image.getWidth() + "x" + image.getHeight()
                    + " image to floats (" + describe(e) + ")", e);
        } catch (RuntimeException e) {
            throw new DecodeException("cannot convert the decoded image: " + describe(e), e);
        }
    }

    /** Decodes to a {@link BufferedImage} with the {@link #DEFAULT_MAX_PIXELS} limit. */
    public static BufferedImage read(byte[] bytes) throws DecodeException {
        return read(bytes, DEFAULT_MAX_PIXELS);
    }

    /** Decodes to a {@link BufferedImage}; truncated or corrupt data is an error, never a partial image. */
    public static BufferedImage read(byte[] bytes, long maxPixels) throws DecodeException {
        if (bytes.length == 0) {
            throw new DecodeException("empty file");
        }
        // In memory: ImageIO.createImageInputStream caches a stream in a temporary file by default (ImageIO.getUseCache).
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new DecodeException("not a recognised image format");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                checkSize(reader.getWidth(0), reader.getHeight(0), maxPixels, reader.getFormatName());
                BufferedImage image = reader.read(0);
                if (image == null || image.getWidth() <= 0 || image.getHeight() <= 0) {
                    throw new DecodeException("decoder returned no pixels");
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (DecodeException e) {
            throw e;
        } catch (OutOfMemoryError e) {
            throw new TooLargeException("out of memory decoding the image (" + describe(e) + ")", e);
        } catch (IOException | RuntimeException e) {
            // ImageIO signals truncation and corruption with IIOException, EOFException and, for some
            // malformed PNG/JPEG streams, runtime exceptions (e.g. IndexOutOfBounds in the inflater).
            throw new DecodeException("corrupt or truncated image: " + describe(e), e);
        }
    }

    private static void checkSize(int width, int height, long maxPixels, String format) throws DecodeException {
        if (width <= 0 || height <= 0) {
            throw new DecodeException(format + " header declares a " + width + "x" + height + " image");
        }
        long pixels = (long) width * height;
        if (pixels > maxPixels) {
            throw new TooLargeException(String.format(Locale.ROOT, "%s header declares %dx%d = %d pixels, more than max-pixels %d",
                    format, width, height, pixels, maxPixels));
        }
        if (pixels > ARRAY_LIMIT_PIXELS) {
            throw new TooLargeException(String.format(Locale.ROOT, "%s header declares %dx%d = %d pixels: too many for one array",
                    format, width, height, pixels));
        }
    }

    /**
     * One line naming a failure: the messages of the exception and its causes, or the class names where the
     * messages are empty (ImageIO throws "Caught exception during read: " with the reason in the cause).
     */
    public static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null && sb.length() < 500; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage() == null ? "" : t.getMessage().strip();
            if (sb.length() > 0) {
                sb.append(sb.toString().endsWith(":") ? " " : ": ");
            }
            sb.append(m.isEmpty() ? t.getClass().getSimpleName() : m);
        }
        return sb.toString();
    }

    static FloatImage toRgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        float[] hwc = new float[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        int colorType = cm.getColorSpace().getType();
        if (cm instanceof ComponentColorModel && !cm.isAlphaPremultiplied() && isDirect(raster.getTransferType(), cm)
                && (colorType == ColorSpace.TYPE_GRAY || cm.getColorSpace().isCS_sRGB())) {
            readRaster(raster, colorType == ColorSpace.TYPE_GRAY, cm.getComponentSize(0), hwc);
            return new FloatImage(w, h, 3, hwc);
        }
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int p = row[x];
                int i = 3 * (y * w + x);
                hwc[i] = (p >> 16) & 0xff;
                hwc[i + 1] = (p >> 8) & 0xff;
                hwc[i + 2] = p & 0xff;
            }
        }
        return new FloatImage(w, h, 3, hwc);
    }

    /** Byte or ushort samples of equal size in every colour band: read as stored. */
    private static boolean isDirect(int transferType, ColorModel cm) {
        if (transferType != DataBuffer.TYPE_BYTE && transferType != DataBuffer.TYPE_USHORT) {
            return false;
        }
        int bits = cm.getComponentSize(0);
        for (int b = 1; b < cm.getNumColorComponents(); b++) {
            if (cm.getComponentSize(b) != bits) {
                return false;
            }
        }
        return bits >= 1 && bits <= 16;
    }

    /**
     * Copies the colour bands (gray: band 0 three times), scaling {@code bits}-bit samples to 0..255. 8-bit samples in
     * one byte array (what the JDK's JPEG and PNG readers produce) are read from the array directly; anything else
     * goes through {@link Raster#getSamples}. Both give the same values ({@code ImageDecoderTest} compares them).
     */
    static void readRaster(Raster raster, boolean gray, int bits, float[] hwc) {
        if (bits == 8 && raster.getDataBuffer() instanceof DataBufferByte buffer
                && raster.getSampleModel() instanceof ComponentSampleModel model && buffer.getNumBanks() == 1) {
            readBytes(raster, buffer, model, gray, hwc);
        } else {
            readSamples(raster, gray, bits, hwc);
        }
    }

    /** 8-bit samples straight from the byte array, at the offsets the sample model gives. */
    private static void readBytes(Raster raster, DataBufferByte buffer, ComponentSampleModel model, boolean gray,
                                  float[] hwc) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        byte[] data = buffer.getData();
        int pixelStride = model.getPixelStride();
        int x0 = raster.getMinX() - raster.getSampleModelTranslateX();
        int y0 = raster.getMinY() - raster.getSampleModelTranslateY();
        for (int y = 0; y < h; y++) {
            int row = y0 + y;
            int o = 3 * y * w;
            if (gray) {
                int p = buffer.getOffset() + model.getOffset(x0, row, 0);
                for (int x = 0; x < w; x++, p += pixelStride, o += 3) {
                    float v = data[p] & 0xff;
                    hwc[o] = v;
                    hwc[o + 1] = v;
                    hwc[o + 2] = v;
                }
            } else {
                int r = buffer.getOffset() + model.getOffset(x0, row, 0);
                int g = buffer.getOffset() + model.getOffset(x0, row, 1);
                int b = buffer.getOffset() + model.getOffset(x0, row, 2);
                for (int x = 0, d = 0; x < w; x++, d += pixelStride, o += 3) {
                    hwc[o] = data[r + d] & 0xff;
                    hwc[o + 1] = data[g + d] & 0xff;
                    hwc[o + 2] = data[b + d] & 0xff;
                }
            }
        }
    }

    /** Any sample layout, row by row through {@link Raster#getSamples}. */
    static void readSamples(Raster raster, boolean gray, int bits, float[] hwc) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        int max = (1 << bits) - 1;
        int[] samples = new int[w];
        for (int band = 0; band < (gray ? 1 : 3); band++) {
            for (int y = 0; y < h; y++) {
                raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, band, samples);
                for (int x = 0; x < w; x++) {
                    float v = bits == 8 ? samples[x] : scale(samples[x], max);
                    int i = 3 * (y * w + x);
                    if (gray) {
                        hwc[i] = v;
                        hwc[i + 1] = v;
                        hwc[i + 2] = v;
                    } else {
                        hwc[i + band] = v;
                    }
                }
            }
        }
    }

    /** {@code round(v * 255 / max)}, halves up, in integers. */
    static int scale(int v, int max) {
        return (int) ((v * 255L * 2 + max) / (2L * max));
    }
}
