package io.sparkinception.preprocessing.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.testing.TestImages;
import java.awt.image.BufferedImage;
import java.util.Arrays;
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
        assertTrue(img.get(2, 1, 0) > 150, "gray 200 stays bright: " + img.get(2, 1, 0));
        assertEquals(0f, img.get(0, 0, 0));
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
}
