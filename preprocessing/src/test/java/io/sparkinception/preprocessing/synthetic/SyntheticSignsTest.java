package io.sparkinception.preprocessing.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.preprocessing.image.Box;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticSignsTest {

    @Test
    void boxesAreExactEveryPixelOutsideIsBackgroundAndTheBoxEdgesAreSign() {
        SyntheticSigns gen = new SyntheticSigns(12);
        for (int i = 0; i < 40; i++) {
            long seed = 1000 + i;
            SyntheticSigns.Sample s = gen.sample(i % 12, seed);
            BufferedImage bg = gen.background(seed);
            Box b = s.box();
            int w = bg.getWidth();
            int h = bg.getHeight();
            assertTrue(b.inside(w, h) && !b.degenerate(), "box " + b + " in " + w + "x" + h);
            boolean top = false;
            boolean bottom = false;
            boolean left = false;
            boolean right = false;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    boolean changed = bg.getRGB(x, y) != s.image().getRGB(x, y);
                    boolean insideBox = x >= b.x1() && x <= b.x2() && y >= b.y1() && y <= b.y2();
                    if (!insideBox) {
                        assertTrue(!changed, "pixel (" + x + "," + y + ") outside " + b + " differs from the background");
                    }
                    top |= changed && y == b.y1();
                    bottom |= changed && y == b.y2();
                    left |= changed && x == b.x1();
                    right |= changed && x == b.x2();
                }
            }
            assertTrue(top && bottom && left && right, "every edge of the box touches the sign: " + b);
        }
    }

    @Test
    void generationIsDeterministic() {
        SyntheticSigns gen = new SyntheticSigns(6);
        SyntheticSigns.Sample a = gen.sample(3, 42);
        SyntheticSigns.Sample b = gen.sample(3, 42);
        assertEquals(a.box(), b.box());
        int w = a.image().getWidth();
        int h = a.image().getHeight();
        assertArrayEquals(a.image().getRGB(0, 0, w, h, null, 0, w), b.image().getRGB(0, 0, w, h, null, 0, w));
    }

    @Test
    void classesAreDistinctOutlineGlyphPairs() {
        Set<String> names = new HashSet<>();
        for (int c = 0; c < 48; c++) {
            assertTrue(names.add(SyntheticSigns.className(c)), "duplicate class " + SyntheticSigns.className(c));
        }
        assertThrows(IllegalArgumentException.class, () -> new SyntheticSigns(49));
    }

    @Test
    void writesPngsAndAGtsrbCsv(@TempDir Path dir) throws Exception {
        SyntheticSigns.Written w = new SyntheticSigns(3).write(dir, 4, 2, 5);
        List<String> train = Files.readAllLines(w.trainCsv());
        assertEquals("Width,Height,Roi.X1,Roi.Y1,Roi.X2,Roi.Y2,ClassId,Path", train.get(0));
        assertEquals(1 + 12, train.size());
        assertEquals(1 + 6, Files.readAllLines(w.testCsv()).size());
        String[] f = train.get(5).split(",");
        BufferedImage img = ImageIO.read(dir.resolve(f[7]).toFile());
        assertEquals(Integer.parseInt(f[0]), img.getWidth());
        assertEquals(Integer.parseInt(f[1]), img.getHeight());
        assertEquals("1", f[6]);
        assertEquals("ClassId,SignName", Files.readAllLines(w.classNames()).get(0));
    }
}
