package io.sparkinception.preprocessing.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.testing.PngHeaders;
import io.sparkinception.testing.SharedData;
import io.sparkinception.testing.TestImages;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {

    @Test
    void decodesRgbPngExactly() throws Exception {
        FloatImage img = ImageDecoder.decodeRgb(TestImages.png(TestImages.gradient(9, 7)));
        assertEquals(TestImages.gradientFloat(9, 7), img);
    }

    @Test
    void grayscaleBecomesThreeEqualChannels() throws Exception {
        BufferedImage gray = new BufferedImage(4, 3, BufferedImage.TYPE_BYTE_GRAY);
        gray.getRaster().setSample(2, 1, 0, 200);
        FloatImage img = ImageDecoder.decodeRgb(TestImages.png(gray));
        assertEquals(3, img.channels());
        assertEquals(img.get(2, 1, 0), img.get(2, 1, 1));
        assertEquals(img.get(2, 1, 0), img.get(2, 1, 2));
        assertEquals(200f, img.get(2, 1, 0), "gray 200 is 200: no colour-space conversion");
        assertEquals(0f, img.get(0, 0, 0));
    }

    /** The case: the JDK's getRGB turned a stored 77 into 149 (linear gray to sRGB). */
    @Test
    void eightBitGrayIsExactlyTheStoredValue() throws Exception {
        BufferedImage gray = new BufferedImage(256, 1, BufferedImage.TYPE_BYTE_GRAY);
        for (int x = 0; x < 256; x++) {
            gray.getRaster().setSample(x, 0, 0, x);
        }
        FloatImage img = ImageDecoder.decodeRgb(TestImages.png(gray));
        for (int x = 0; x < 256; x++) {
            for (int c = 0; c < 3; c++) {
                assertEquals(x, img.get(x, 0, c), "stored " + x + ", channel " + c);
            }
        }
    }

    /** 16-bit samples scale as round(v * 255 / 65535) = round(v / 257); 65535 = 255 x 257, so no value is a tie. */
    @Test
    void sixteenBitGrayScalesExactly() throws Exception {
        int[] stored = {0, 1, 128, 129, 257, 385, 386, 19789, 32767, 32768, 65407, 65534, 65535};
        BufferedImage gray = new BufferedImage(stored.length, 1, BufferedImage.TYPE_USHORT_GRAY);
        for (int x = 0; x < stored.length; x++) {
            gray.getRaster().setSample(x, 0, 0, stored[x]);
        }
        FloatImage img = ImageDecoder.decodeRgb(TestImages.png(gray));
        for (int x = 0; x < stored.length; x++) {
            float expected = Math.round(stored[x] * 255.0 / 65535.0);
            assertEquals(expected, img.get(x, 0, 0), "stored " + stored[x]);
            assertEquals(expected, img.get(x, 0, 2), "stored " + stored[x]);
        }
        assertEquals(77f, ImageDecoder.decodeRgb(TestImages.png(ushortGray(77 * 257))).get(0, 0, 1));
        assertEquals(0f, img.get(1, 0, 0), "1/257 rounds down");
        assertEquals(1f, img.get(3, 0, 0), "129/257 rounds up");
    }

    @Test
    void grayWithAlphaKeepsTheStoredGray() throws Exception {
        for (int type : new int[] {DataBuffer.TYPE_BYTE, DataBuffer.TYPE_USHORT}) {
            int bits = type == DataBuffer.TYPE_BYTE ? 8 : 16;
            ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY),
                    new int[] {bits, bits}, true, false, Transparency.TRANSLUCENT, type);
            WritableRaster r = cm.createCompatibleWritableRaster(2, 1);
            int scale = bits == 8 ? 1 : 257;
            r.setSample(0, 0, 0, 77 * scale);
            r.setSample(0, 0, 1, 10 * scale);
            r.setSample(1, 0, 0, 200 * scale);
            r.setSample(1, 0, 1, 0);
            FloatImage img = ImageDecoder.decodeRgb(TestImages.png(new BufferedImage(cm, r, false, null)));
            for (int c = 0; c < 3; c++) {
                assertEquals(77f, img.get(0, 0, c), bits + "-bit gray+alpha");
                assertEquals(200f, img.get(1, 0, c), bits + "-bit gray+alpha, fully transparent");
            }
        }
    }

    @Test
    void sixteenBitRgbScalesEachChannelExactly() throws Exception {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster r = cm.createCompatibleWritableRaster(1, 1);
        r.setPixel(0, 0, new int[] {65535, 129, 77 * 257});
        FloatImage img = ImageDecoder.decodeRgb(TestImages.png(new BufferedImage(cm, r, false, null)));
        assertEquals(255f, img.get(0, 0, 0));
        assertEquals(1f, img.get(0, 0, 1));
        assertEquals(77f, img.get(0, 0, 2));
    }

    @Test
    void paletteGifBmpAndTiffDecodeToTheirColours() throws Exception {
        byte[] reds = {(byte) 10, (byte) 200};
        byte[] greens = {(byte) 20, (byte) 100};
        byte[] blues = {(byte) 30, (byte) 0};
        BufferedImage indexed = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_INDEXED,
                new IndexColorModel(8, 2, reds, greens, blues));
        indexed.getRaster().setSample(1, 0, 0, 1);
        for (String format : new String[] {"png", "gif"}) {
            FloatImage img = ImageDecoder.decodeRgb(encode(indexed, format));
            assertEquals(List.of(10f, 20f, 30f, 200f, 100f, 0f), values(img), format + " palette");
        }
        BufferedImage rgb = new BufferedImage(2, 1, BufferedImage.TYPE_3BYTE_BGR);
        rgb.setRGB(0, 0, 0x0A141E);
        rgb.setRGB(1, 0, 0xC86400);
        for (String format : new String[] {"bmp", "tiff"}) {
            assertEquals(List.of(10f, 20f, 30f, 200f, 100f, 0f), values(ImageDecoder.decodeRgb(encode(rgb, format))), format);
        }
    }

    /** A CMYK TIFF (PhotometricInterpretation 5, written byte by byte) decodes to the RGB the inks make. */
    @Test
    void cmykTiffDecodesToRgb() throws Exception {
        FloatImage img = ImageDecoder.decodeRgb(cmykTiff(new int[][] {{0, 0, 0, 0}, {255, 0, 0, 0}, {0, 0, 0, 255}}));
        assertEquals(List.of(255f, 255f, 255f, 0f, 255f, 255f, 0f, 0f, 0f), values(img), "white, cyan, black");
    }

    @Test
    void theHeaderIsCheckedAgainstMaxPixelsBeforeDecoding() throws Exception {
        byte[] png = TestImages.png(TestImages.gradient(100, 50));
        assertEquals(100, ImageDecoder.decodeRgb(png, 5000).width(), "exactly at the limit");
        ImageDecoder.TooLargeException e = assertThrows(ImageDecoder.TooLargeException.class,
                () -> ImageDecoder.decodeRgb(png, 4999));
        assertTrue(e.getMessage().contains("100x50 = 5000 pixels, more than max-pixels 4999"), e.getMessage());
        // A header too large for any array, even without a pixel limit: refused before the decoder allocates.
        byte[] huge = PngHeaders.grayPng(50_000, 50_000, false);
        ImageDecoder.TooLargeException h = assertThrows(ImageDecoder.TooLargeException.class,
                () -> ImageDecoder.decodeRgb(huge, Long.MAX_VALUE));
        assertTrue(h.getMessage().contains("too many for one array"), h.getMessage());
    }

    @Test
    void failuresAlwaysHaveADetail() {
        Exception empty = new javax.imageio.IIOException("Caught exception during read: ", new IllegalStateException());
        assertEquals("Caught exception during read: IllegalStateException", ImageDecoder.describe(empty));
        assertEquals("NullPointerException", ImageDecoder.describe(new NullPointerException()));
        assertEquals("corrupt_image (no detail given)", new io.sparkinception.preprocessing.annotations.Skipped("a", "b",
                io.sparkinception.preprocessing.annotations.SkipReason.CORRUPT_IMAGE, " ").detail());
    }

    private static BufferedImage ushortGray(int value) {
        BufferedImage gray = new BufferedImage(1, 1, BufferedImage.TYPE_USHORT_GRAY);
        gray.getRaster().setSample(0, 0, 0, value);
        return gray;
    }

    private static byte[] encode(BufferedImage img, String format) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, format, out), "no " + format + " writer");
        return out.toByteArray();
    }

    private static List<Float> values(FloatImage img) {
        List<Float> v = new ArrayList<>();
        for (float f : img.hwc()) {
            v.add(f);
        }
        return v;
    }

    /** An uncompressed little-endian CMYK TIFF, one row of the given pixels. */
    private static byte[] cmykTiff(int[][] pixels) {
        int n = pixels.length;
        int entries = 10;
        int ifd = 8;
        int bitsAt = ifd + 2 + entries * 12 + 4;
        int dataAt = bitsAt + 8;
        ByteBuffer b = ByteBuffer.allocate(dataAt + 4 * n).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(ifd);
        b.putShort((short) entries);
        tag(b, 256, 3, 1, n);          // ImageWidth
        tag(b, 257, 3, 1, 1);          // ImageLength
        tag(b, 258, 3, 4, bitsAt);     // BitsPerSample 8,8,8,8
        tag(b, 259, 3, 1, 1);          // Compression: none
        tag(b, 262, 3, 1, 5);          // PhotometricInterpretation: separated (CMYK)
        tag(b, 273, 4, 1, dataAt);     // StripOffsets
        tag(b, 277, 3, 1, 4);          // SamplesPerPixel
        tag(b, 278, 3, 1, 1);          // RowsPerStrip
        tag(b, 279, 4, 1, 4 * n);      // StripByteCounts
        tag(b, 284, 3, 1, 1);          // PlanarConfiguration: chunky
        b.putInt(0);
        for (int i = 0; i < 4; i++) {
            b.putShort((short) 8);
        }
        for (int[] p : pixels) {
            for (int v : p) {
                b.put((byte) v);
            }
        }
        return b.array();
    }

    private static void tag(ByteBuffer b, int tag, int type, int count, int value) {
        b.putShort((short) tag).putShort((short) type).putInt(count);
        if (type == 3 && count == 1) {
            b.putShort((short) value).putShort((short) 0);
        } else {
            b.putInt(value);
        }
    }

    @Test
    void alphaIsDroppedKeepingTheColour() throws Exception {
        BufferedImage argb = new BufferedImage(2, 2, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(1, 1, 0x10_20_40_80);
        FloatImage img = ImageDecoder.decodeRgb(TestImages.png(argb));
        assertEquals(0x20, img.get(1, 1, 0));
        assertEquals(0x40, img.get(1, 1, 1));
        assertEquals(0x80, img.get(1, 1, 2));
    }

    @Test
    void corruptTruncatedAndEmptyDataAreErrorsWithReasons() {
        byte[] png = TestImages.png(TestImages.gradient(40, 40));
        ImageDecoder.DecodeException garbage = assertThrows(ImageDecoder.DecodeException.class,
                () -> ImageDecoder.decodeRgb("this is not an image".getBytes()));
        assertTrue(garbage.getMessage().contains("not a recognised image format"), garbage.getMessage());
        ImageDecoder.DecodeException truncated = assertThrows(ImageDecoder.DecodeException.class,
                () -> ImageDecoder.decodeRgb(Arrays.copyOf(png, png.length / 2)));
        assertTrue(truncated.getMessage().startsWith("corrupt or truncated image"), truncated.getMessage());
        assertThrows(ImageDecoder.DecodeException.class, () -> ImageDecoder.decodeRgb(new byte[0]));
    }

    /**
     * The byte-array fast path reads what {@code Raster.getSamples} reads: every 8-bit layout the JDK's readers
     * produce (BGR and RGB interleaved, ABGR, gray) and a sub-image, whose raster starts inside its parent's array.
     */
    @Test
    void byteArrayPathEqualsTheSamplesPath() throws Exception {
        Random rnd = new Random(3);
        List<BufferedImage> images = new ArrayList<>();
        for (int type : new int[] {BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_4BYTE_ABGR, BufferedImage.TYPE_BYTE_GRAY}) {
            BufferedImage img = new BufferedImage(13, 9, type);
            WritableRaster r = img.getRaster();
            for (int y = 0; y < 9; y++) {
                for (int x = 0; x < 13; x++) {
                    for (int b = 0; b < r.getNumBands(); b++) {
                        r.setSample(x, y, b, rnd.nextInt(256));
                    }
                }
            }
            images.add(img);
            images.add(img.getSubimage(3, 2, 7, 5));
        }
        images.add(ImageIO.read(new java.io.ByteArrayInputStream(jpeg(TestImages.gradient(31, 17)))));
        assertFastPathMatches(images);
    }

    @Test
    void byteArrayPathEqualsTheSamplesPathOnARealJpeg() throws Exception {
        Path bccd = SharedData.data("bccd/BCCD/JPEGImages/BloodImage_00000.jpg");
        assertFastPathMatches(List.of(ImageDecoder.read(Files.readAllBytes(bccd))));
    }

    private static void assertFastPathMatches(List<BufferedImage> images) {
        for (BufferedImage img : images) {
            boolean gray = img.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY;
            int n = img.getWidth() * img.getHeight() * 3;
            float[] fast = new float[n];
            float[] reference = new float[n];
            ImageDecoder.readRaster(img.getRaster(), gray, 8, fast);
            ImageDecoder.readSamples(img.getRaster(), gray, 8, reference);
            assertArrayEquals(reference, fast, img.toString());
            if (!gray) {
                assertEquals((img.getRGB(img.getWidth() - 1, 0) >> 16) & 0xff, fast[3 * (img.getWidth() - 1)], 0f,
                        "red of the last pixel of the first row: " + img);
            }
        }
    }

    private static byte[] jpeg(BufferedImage img) throws Exception {
        BufferedImage rgb = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        rgb.getGraphics().drawImage(img, 0, 0, null);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(rgb, "jpeg", out));
        return out.toByteArray();
    }
}
