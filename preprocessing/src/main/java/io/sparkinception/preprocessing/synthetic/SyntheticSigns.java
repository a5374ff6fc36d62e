package io.sparkinception.preprocessing.synthetic;

import io.sparkinception.preprocessing.image.Box;
import io.sparkinception.common.CsvTable;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * A deterministic generator of traffic-sign-like images with exact bounding boxes: a class is a sign shape
 * (circle, triangle, inverted triangle, square, diamond, octagon) with a glyph (digits and letters), drawn at
 * a random position, scale, rotation and colour on a textured background (gradient, noise, clutter strokes).
 * Classes share outlines and glyphs with each other, so they are not separable by colour or outline alone.
 *
 * <p>The box is exact by construction: it is the bounding box of every pixel the sign changed (the sign is
 * drawn on a copy of the background and the two are compared), so every pixel outside it is background.
 */
public final class SyntheticSigns {
    /** Sign outlines, combined with glyphs to form classes. */
    public enum Outline { CIRCLE, TRIANGLE, INVERTED_TRIANGLE, SQUARE, DIAMOND, OCTAGON }

    private static final String[] GLYPHS = {"3", "5", "8", "A", "P", "X", "!", "7"};

    /** One generated image and its sign's box. */
    public record Sample(BufferedImage image, Box box, int classId) {
    }

    /** A written dataset: the gtsrb-format CSVs and the class-names CSV. */
    public record Written(Path trainCsv, Path testCsv, Path classNames, int classes, int trainImages, int testImages) {
    }

    private final int classes;

    public SyntheticSigns(int classes) {
        if (classes < 2 || classes > Outline.values().length * GLYPHS.length) {
            throw new IllegalArgumentException("classes must be between 2 and " + Outline.values().length * GLYPHS.length
                    + ", got " + classes);
        }
        this.classes = classes;
    }

    public static Outline outline(int classId) {
        return Outline.values()[classId % Outline.values().length];
    }

    public static String glyph(int classId) {
        return GLYPHS[(classId / Outline.values().length + classId) % GLYPHS.length];
    }

    public static String className(int classId) {
        return outline(classId).name().toLowerCase(Locale.ROOT).replace('_', ' ') + " '" + glyph(classId) + "'";
    }

    /** The background of an image, without a sign (used by the tests to check the boxes). */
    public BufferedImage background(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int w = 40 + rnd.nextInt(60);
        int h = 40 + rnd.nextInt(60);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        Color a = randomColor(rnd, 40, 200);
        Color b = randomColor(rnd, 40, 200);
        g.setPaint(new java.awt.GradientPaint(0, 0, a, w, h, b));
        g.fillRect(0, 0, w, h);
        int strokes = 4 + rnd.nextInt(10);
        for (int i = 0; i < strokes; i++) {
            g.setColor(randomColor(rnd, 20, 235));
            g.setStroke(new BasicStroke(1 + rnd.nextInt(4)));
            g.drawLine(rnd.nextInt(w), rnd.nextInt(h), rnd.nextInt(w), rnd.nextInt(h));
        }
        g.dispose();
        int[] px = img.getRGB(0, 0, w, h, null, 0, w);
        int noise = 8 + rnd.nextInt(24);
        for (int i = 0; i < px.length; i++) {
            int p = px[i];
            int n = rnd.nextInt(2 * noise + 1) - noise;
            px[i] = clamp((p >> 16 & 0xff) + n) << 16 | clamp((p >> 8 & 0xff) + n) << 8 | clamp((p & 0xff) + n);
        }
        img.setRGB(0, 0, w, h, px, 0, w);
        return img;
    }

    /** Image {@code index} of class {@code classId}; the same arguments always give the same pixels. */
    public Sample sample(int classId, long seed) {
        BufferedImage bg = background(seed);
        int w = bg.getWidth();
        int h = bg.getHeight();
        SplittableRandom rnd = new SplittableRandom(seed * 31 + 7);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.drawImage(bg, 0, 0, null);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        double size = Math.min(w, h) * (0.35 + 0.5 * rnd.nextDouble());
        double cx = size / 2 + 1 + rnd.nextDouble() * (w - size - 2);
        double cy = size / 2 + 1 + rnd.nextDouble() * (h - size - 2);
        AffineTransform t = new AffineTransform();
        t.translate(cx, cy);
        t.rotate((rnd.nextDouble() - 0.5) * 0.5);
        t.scale(size / 2, size / 2);
        Shape outline = t.createTransformedShape(unitOutline(outline(classId)));
        Color rim = randomColor(rnd, 120, 255);
        Color face = randomColor(rnd, 150, 255);
        g.setColor(face);
        g.fill(outline);
        g.setColor(rim);
        g.setStroke(new BasicStroke((float) Math.max(1.5, size * 0.09)));
        g.draw(outline);
        // Glyphs are stroked segments (seven-segment style), not font text: no font needed, the same pixels on
        // every machine.
        AffineTransform gt = new AffineTransform(t);
        gt.scale(0.55, 0.55);
        g.setColor(new Color(rnd.nextInt(60), rnd.nextInt(60), rnd.nextInt(60)));
        g.setStroke(new BasicStroke((float) Math.max(1.2, size * 0.08), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(gt.createTransformedShape(glyphPath(glyph(classId))));
        g.dispose();
        return new Sample(img, changedBox(bg, img), classId);
    }

    /** Writes {@code trainPerClass} and {@code testPerClass} images per class as PNG plus gtsrb-format CSVs. */
    public Written write(Path dir, int trainPerClass, int testPerClass, long seed) throws IOException {
        Files.createDirectories(dir);
        CsvTable names = new CsvTable("ClassId", "SignName");
        for (int c = 0; c < classes; c++) {
            names.row(c, className(c));
        }
        Path classNames = Files.writeString(dir.resolve("signnames.csv"), names.toString(), StandardCharsets.UTF_8);
        Path train = writeSplit(dir, "Train", trainPerClass, seed);
        Path test = writeSplit(dir, "Test", testPerClass, seed + 1_000_003L);
        return new Written(train, test, classNames, classes, classes * trainPerClass, classes * testPerClass);
    }

    private Path writeSplit(Path dir, String split, int perClass, long seed) throws IOException {
        CsvTable csv = new CsvTable("Width", "Height", "Roi.X1", "Roi.Y1", "Roi.X2", "Roi.Y2", "ClassId", "Path");
        for (int c = 0; c < classes; c++) {
            for (int i = 0; i < perClass; i++) {
                // GTSRB's naming: CLASS_TRACK_FRAME; every sample is its own "track" here.
                String rel = String.format(Locale.ROOT, "%s/%d/%05d_%05d_00000.png", split, c, c, i);
                Sample s = sample(c, seed * 1_000_003L + c * 100_003L + i);
                Path file = dir.resolve(rel);
                Files.createDirectories(file.getParent());
                ImageIO.write(s.image(), "png", file.toFile());
                csv.row(s.image().getWidth(), s.image().getHeight(), s.box().x1(), s.box().y1(), s.box().x2(), s.box().y2(),
                        c, rel);
            }
        }
        return Files.writeString(dir.resolve(split + ".csv"), csv.toString(), StandardCharsets.UTF_8);
    }

    /** The bounding box of the pixels that differ between two images of the same size. */
    public static Box changedBox(BufferedImage before, BufferedImage after) {
        int w = before.getWidth();
        int h = before.getHeight();
        int[] a = before.getRGB(0, 0, w, h, null, 0, w);
        int[] b = after.getRGB(0, 0, w, h, null, 0, w);
        int x1 = w;
        int y1 = h;
        int x2 = -1;
        int y2 = -1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (a[y * w + x] != b[y * w + x]) {
                    x1 = Math.min(x1, x);
                    y1 = Math.min(y1, y);
                    x2 = Math.max(x2, x);
                    y2 = Math.max(y2, y);
                }
            }
        }
        if (x2 < 0) {
            throw new IllegalStateException("the sign changed no pixel");
        }
        return new Box(x1, y1, x2, y2);
    }

    /** A glyph as line segments in [-0.5, 0.5]^2 (y down). */
    static Shape glyphPath(String glyph) {
        double w = 0.32;
        double h = 0.5;
        double[][] a = {{-w, -h, w, -h}};
        double[][] segs = switch (glyph) {
            case "3" -> new double[][] {{-w, -h, w, -h}, {w, -h, w, 0}, {w, 0, w, h}, {-w, h, w, h}, {-w, 0, w, 0}};
            case "5" -> new double[][] {{-w, -h, w, -h}, {-w, -h, -w, 0}, {-w, 0, w, 0}, {w, 0, w, h}, {-w, h, w, h}};
            case "8" -> new double[][] {{-w, -h, w, -h}, {w, -h, w, h}, {-w, h, w, h}, {-w, -h, -w, h}, {-w, 0, w, 0}};
            case "7" -> new double[][] {{-w, -h, w, -h}, {w, -h, -w * 0.3, h}};
            case "A" -> new double[][] {{-w, h, 0, -h}, {0, -h, w, h}, {-w * 0.5, h * 0.2, w * 0.5, h * 0.2}};
            case "P" -> new double[][] {{-w, h, -w, -h}, {-w, -h, w, -h}, {w, -h, w, 0}, {w, 0, -w, 0}};
            case "X" -> new double[][] {{-w, -h, w, h}, {-w, h, w, -h}};
            case "!" -> new double[][] {{0, -h, 0, h * 0.35}, {0, h * 0.8, 0, h}};
            default -> a;
        };
        Path2D.Double p = new Path2D.Double();
        for (double[] sgm : segs) {
            p.moveTo(sgm[0], sgm[1]);
            p.lineTo(sgm[2], sgm[3]);
        }
        return p;
    }

    private static Shape unitOutline(Outline o) {
        return switch (o) {
            case CIRCLE -> new Ellipse2D.Double(-1, -1, 2, 2);
            case SQUARE -> new Rectangle2D.Double(-0.85, -0.85, 1.7, 1.7);
            case TRIANGLE -> polygon(3, -Math.PI / 2, 1.0);
            case INVERTED_TRIANGLE -> polygon(3, Math.PI / 2, 1.0);
            case DIAMOND -> polygon(4, 0, 1.0);
            case OCTAGON -> polygon(8, Math.PI / 8, 1.0);
        };
    }

    private static Shape polygon(int n, double start, double r) {
        Path2D.Double p = new Path2D.Double();
        for (int i = 0; i < n; i++) {
            double a = start + 2 * Math.PI * i / n;
            if (i == 0) {
                p.moveTo(r * Math.cos(a), r * Math.sin(a));
            } else {
                p.lineTo(r * Math.cos(a), r * Math.sin(a));
            }
        }
        p.closePath();
        return p;
    }

    private static Color randomColor(SplittableRandom rnd, int lo, int hi) {
        return new Color(lo + rnd.nextInt(hi - lo), lo + rnd.nextInt(hi - lo), lo + rnd.nextInt(hi - lo));
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }
}
