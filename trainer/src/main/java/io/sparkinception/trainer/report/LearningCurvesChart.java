package io.sparkinception.trainer.report;

import io.sparkinception.trainer.report.ReportInput.CurvePoint;
import io.sparkinception.trainer.report.ReportInput.Member;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.geom.AffineTransform;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * {@code learning_curves.png}: panels side by side (training loss per round against epoch; validation top-1
 * against epoch; top-1 against wall-clock minutes when the metrics recorded wall time), drawn with Java2D, and one
 * legend for all panels below them. The validation top-1 is a solid line; the run's eval-data (test) top-1, where
 * recorded, a dashed line in the member's colour. Drawn by hand rather than with XChart because XChart's per-chart
 * legends ate the plot area of a 7- or 16-member ensemble and its tick positions follow the data, so fractional
 * epochs (1/13 of an epoch per round) printed as raw doubles.
 */
public final class LearningCurvesChart {
    static {
        Headless.ensure();
    }

    /** Three panels make an image 1384 px wide: the report's HTML (at most 1400 px) shows it unscaled. */
    static final int PANEL_WIDTH = 440;
    static final int PANEL_HEIGHT = 380;
    static final int MARGIN = 16;
    static final int LEGEND_GAP = 12;
    static final int LEGEND_ROW = 20;
    static final int LEGEND_PADDING = 8;
    /** Names longer than this are shortened in the legend, keeping both ends ({@code gtsrb-goo…net-w1.25-7}). */
    static final int NAME_CHARS = 20;
    private static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 14);
    /**
     * Colours of the members in order: tab10, then six that differ from all of it (a lighter blue for member 16
     * read as member 1's), repeated beyond 16 members.
     */
    static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf),
        new Color(0x000000), new Color(0x393b79), new Color(0x637939), new Color(0xe7ba52), new Color(0x1b9e77),
        new Color(0x7f0000)};
    private static final float[] DASH = {7f, 4f};

    private LearningCurvesChart() {
    }

    /** One member's line in a panel: {@code member} indexes the member list (and the palette). */
    record Series(int member, boolean dashed, double[] x, double[] y) {
    }

    /** One panel; the x axis starts at 0 (epochs and minutes both do). */
    record Panel(String title, String xTitle, String yTitle, List<Series> series) {
    }

    /**
     * Axis ticks {@code min, min + step, ..., max}: {@code step} is 1, 2 or 5 times a power of ten and {@code min},
     * {@code max} are multiples of it, so every tick is a round number.
     */
    record Ticks(double min, double max, double step) {
        int count() {
            return (int) Math.round((max - min) / step) + 1;
        }

        /** The tick values, computed from integers (no accumulated rounding: 0.3, not 0.30000000000000004). */
        List<Double> values() {
            int decimals = decimals();
            List<Double> out = new ArrayList<>();
            for (int i = 0; i < count(); i++) {
                out.add(BigDecimal.valueOf(min).add(BigDecimal.valueOf(step).multiply(BigDecimal.valueOf(i)))
                        .setScale(decimals, RoundingMode.HALF_UP).doubleValue());
            }
            return out;
        }

        /** A tick's label with as many decimals as the step needs: 0, 5, 10 or 0.02, 0.04; never -0. */
        String label(double v) {
            BigDecimal d = BigDecimal.valueOf(v).setScale(decimals(), RoundingMode.HALF_UP).stripTrailingZeros();
            return d.signum() == 0 ? "0" : d.toPlainString();
        }

        private int decimals() {
            return Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
        }
    }

    /**
     * Where everything goes: the panels in a row at the top, the legend below the lowest panel edge, as many
     * {@code columns} of {@code columnWidth} pixels (an entry and a gap, or less when that would not fit) as fit in
     * the image's width and as many {@code rows} as the entries need, plus {@code keyRows} rows for the line-style
     * key.
     */
    record Layout(int width, int height, List<Rectangle> panels, Rectangle legend, int columns, int rows,
                  int columnWidth) {
    }

    /** Draws the chart; empty when no member has a round or validation point to plot. */
    public static Optional<BufferedImage> draw(List<Member> members) {
        List<Panel> panels = panels(members);
        if (panels.isEmpty()) {
            return Optional.empty();
        }
        String prefix = commonPrefix(members.stream().map(Member::name).toList());
        List<String> names = members.stream().map(m -> shortName(m.name().substring(prefix.length()))).toList();
        List<String> keys = keyStyles(panels);
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D pg = probe.createGraphics();
        FontMetrics fm = pg.getFontMetrics(FONT);
        int entryWidth = 40 + names.stream().mapToInt(fm::stringWidth).max().orElse(0);
        pg.dispose();
        Layout layout = layout(panels.size(), members.size(), entryWidth, !keys.isEmpty() || !prefix.isEmpty() ? 1 : 0);
        BufferedImage out = new BufferedImage(layout.width(), layout.height(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, layout.width(), layout.height());
            for (int i = 0; i < panels.size(); i++) {
                drawPanel(g, layout.panels().get(i), panels.get(i));
            }
            drawLegend(g, layout, names, keys, prefix);
        } finally {
            g.dispose();
        }
        return Optional.of(out);
    }

    static final String VALIDATION_KEY = "validation top-1";
    static final String TEST_KEY = "eval-data (test) top-1";

    /**
     * The line styles the legend's key row names: a solid curve outside the loss panel is a validation top-1, a
     * dashed one the eval-data (test) top-1; a run without a val split has only the latter, and a key naming a
     * validation line that is not drawn would mislead.
     */
    static List<String> keyStyles(List<Panel> panels) {
        List<Series> top1 = panels.stream().filter(p -> !p.yTitle().equals("loss")).flatMap(p -> p.series().stream())
                .toList();
        List<String> out = new ArrayList<>();
        if (top1.stream().anyMatch(Series::dashed)) {
            if (top1.stream().anyMatch(s -> !s.dashed())) {
                out.add(VALIDATION_KEY);
            }
            out.add(TEST_KEY);
        }
        return out;
    }

    /** The panels that have something to plot, in order: loss, top-1 by epoch, top-1 by wall-clock minutes. */
    static List<Panel> panels(List<Member> members) {
        List<Series> loss = new ArrayList<>();
        List<Series> byEpoch = new ArrayList<>();
        List<Series> byMinute = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            List<CurvePoint> curve = members.get(i).curve();
            add(loss, i, false, curve, CurvePoint.ROUND, CurvePoint::epoch, CurvePoint::loss);
            add(byEpoch, i, false, curve, CurvePoint.VALIDATION, CurvePoint::epoch, p -> 100 * p.valTop1());
            add(byEpoch, i, true, curve, CurvePoint.VALIDATION, CurvePoint::epoch, p -> 100 * p.testTop1());
            // A validation cannot happen at wall time 0: 0 means not recorded, left out like NaN.
            ToDoubleFunction<CurvePoint> minutes = p -> p.wallSeconds() > 0 ? p.wallSeconds() / 60 : Double.NaN;
            add(byMinute, i, false, curve, CurvePoint.VALIDATION, minutes, p -> 100 * p.valTop1());
            add(byMinute, i, true, curve, CurvePoint.VALIDATION, minutes, p -> 100 * p.testTop1());
        }
        List<Panel> out = new ArrayList<>();
        if (!loss.isEmpty()) {
            out.add(new Panel("Training loss per round", "epoch", "loss", loss));
        }
        String top1 = byEpoch.stream().anyMatch(Series::dashed) ? "Top-1 accuracy (test dashed)"
                : "Validation top-1 accuracy";
        if (!byEpoch.isEmpty()) {
            out.add(new Panel(top1, "epoch", "top-1 accuracy (%)", byEpoch));
        }
        if (!byMinute.isEmpty()) {
            out.add(new Panel(top1 + " by wall-clock time", "wall-clock minutes", "top-1 accuracy (%)", byMinute));
        }
        return out;
    }

    private static void add(List<Series> to, int member, boolean dashed, List<CurvePoint> curve, String type,
                            ToDoubleFunction<CurvePoint> x, ToDoubleFunction<CurvePoint> y) {
        List<double[]> points = new ArrayList<>();
        for (CurvePoint p : curve) {
            double px = x.applyAsDouble(p);
            double py = y.applyAsDouble(p);
            if (p.type().equals(type) && Double.isFinite(px) && Double.isFinite(py)) {
                points.add(new double[] {px, py});
            }
        }
        if (!points.isEmpty()) {
            to.add(new Series(member, dashed, points.stream().mapToDouble(a -> a[0]).toArray(),
                    points.stream().mapToDouble(a -> a[1]).toArray()));
        }
    }

    /**
     * Round ticks covering {@code [lo, hi]} with at most {@code maxTicks} ticks: the smallest step of 1, 2 or 5
     * times a power of ten that needs no more. An empty range ({@code lo == hi}) is widened to one unit around it.
     */
    static Ticks ticks(double lo, double hi, int maxTicks) {
        if (!(Double.isFinite(lo) && Double.isFinite(hi)) || hi < lo || maxTicks < 2) {
            throw new IllegalArgumentException("ticks need a finite range lo <= hi and maxTicks >= 2, got [" + lo
                    + ", " + hi + "], " + maxTicks);
        }
        if (hi == lo) {
            double unit = lo == 0 ? 1 : Math.pow(10, Math.floor(Math.log10(Math.abs(lo))));
            lo -= unit / 2;
            hi += unit / 2;
        }
        // The step as the double nearest to the decimal (5e-5, not 5 * Math.pow(10, -5) = 5.000000000000001E-5).
        int exponent = (int) Math.floor(Math.log10((hi - lo) / (maxTicks - 1)));
        int[] factors = {1, 2, 5};
        for (int k = 0; ; k = (k + 1) % 3) {
            double s = BigDecimal.valueOf(factors[k]).scaleByPowerOfTen(exponent).doubleValue();
            long first = (long) Math.floor(lo / s + 1e-9);
            long last = (long) Math.ceil(hi / s - 1e-9);
            if (last - first + 1 <= maxTicks) {
                return new Ticks(decimal(first, s), decimal(last, s), s);
            }
            if (k == 2) {
                exponent++;
            }
        }
    }

    /** {@code n × step} as the double nearest to the exact decimal product. */
    private static double decimal(long n, double step) {
        return BigDecimal.valueOf(n).multiply(BigDecimal.valueOf(step)).doubleValue();
    }

    /** See {@link Layout}; {@code entryWidth} is the widest legend entry in pixels (line sample and name). */
    static Layout layout(int panels, int entries, int entryWidth, int keyRows) {
        if (panels < 1 || entries < 1 || entryWidth < 1) {
            throw new IllegalArgumentException("layout needs a panel, an entry and a positive entry width, got "
                    + panels + ", " + entries + ", " + entryWidth);
        }
        int width = MARGIN + panels * (PANEL_WIDTH + MARGIN);
        List<Rectangle> rects = new ArrayList<>();
        for (int i = 0; i < panels; i++) {
            rects.add(new Rectangle(MARGIN + i * (PANEL_WIDTH + MARGIN), MARGIN, PANEL_WIDTH, PANEL_HEIGHT));
        }
        int legendWidth = width - 2 * MARGIN;
        int inside = legendWidth - 2 * LEGEND_PADDING;
        int columns = Math.max(1, Math.min(entries, inside / entryWidth));
        int rows = (entries + columns - 1) / columns;
        columns = (entries + rows - 1) / rows; // as many rows, columns balanced: 16 in 4 rows is 4 x 4, not 5+5+5+1
        int columnWidth = Math.min(inside / columns, entryWidth + 24);
        int legendHeight = 2 * LEGEND_PADDING + (rows + keyRows) * LEGEND_ROW;
        Rectangle legend = new Rectangle(MARGIN, MARGIN + PANEL_HEIGHT + LEGEND_GAP, legendWidth, legendHeight);
        return new Layout(width, legend.y + legend.height + MARGIN, rects, legend, columns, rows, columnWidth);
    }

    /**
     * The prefix the legend leaves out of every name ({@code gtsrb-inception-v3-} of
     * {@code gtsrb-inception-v3-member-1}, ...) and names once above them: empty unless some name is longer than
     * {@link #NAME_CHARS}; it ends at a separator ({@code - _ . / space}) and leaves every name a distinct rest.
     */
    static String commonPrefix(List<String> names) {
        if (names.size() < 2 || names.stream().allMatch(n -> n.length() <= NAME_CHARS)) {
            return "";
        }
        String first = names.get(0);
        int common = first.length();
        for (String n : names) {
            int i = 0;
            while (i < Math.min(common, n.length()) && n.charAt(i) == first.charAt(i)) {
                i++;
            }
            common = i;
        }
        int atSeparator = separatorBefore(first, common);
        boolean onlyDigitsLeft = names.stream().allMatch(n -> n.substring(atSeparator).chars().allMatch(Character::isDigit));
        // "member-1", "member-12" rather than "1", "12".
        int end = onlyDigitsLeft ? separatorBefore(first, atSeparator - 1) : atSeparator;
        boolean restsDistinct = names.stream().map(n -> n.substring(end)).distinct().count() == names.size();
        boolean restsNonEmpty = names.stream().allMatch(n -> n.length() > end);
        return restsDistinct && restsNonEmpty ? first.substring(0, end) : "";
    }

    /** The length of the longest prefix of {@code s[0, limit)} that ends with a separator, 0 when none does. */
    private static int separatorBefore(String s, int limit) {
        int cut = Math.max(limit, 0);
        while (cut > 0 && "-_./ ".indexOf(s.charAt(cut - 1)) < 0) {
            cut--;
        }
        return cut;
    }

    /** A name short enough for the legend: both ends kept, the middle replaced by an ellipsis. */
    static String shortName(String name) {
        return shortName(name, NAME_CHARS);
    }

    private static String shortName(String name, int max) {
        if (name.length() <= max) {
            return name;
        }
        int head = (max - 1) / 2;
        int tail = max - 1 - head;
        return name.substring(0, head) + "\u2026" + name.substring(name.length() - tail);
    }

    private static Color colour(int member) {
        return PALETTE[member % PALETTE.length];
    }

    /**
     * The ticks of a panel's axes, {@code [x, y]}: x from 0 to the last epoch (or minute) in at most 9 ticks, y
     * over the plotted values in at most 7.
     */
    static Ticks[] axes(Panel p) {
        double xHi = 0;
        double yLo = Double.POSITIVE_INFINITY;
        double yHi = Double.NEGATIVE_INFINITY;
        for (Series s : p.series()) {
            for (int i = 0; i < s.x().length; i++) {
                xHi = Math.max(xHi, s.x()[i]);
                yLo = Math.min(yLo, s.y()[i]);
                yHi = Math.max(yHi, s.y()[i]);
            }
        }
        return new Ticks[] {ticks(0, xHi, 9), ticks(yLo, yHi, 7)};
    }

    private static void drawPanel(Graphics2D g, Rectangle r, Panel p) {
        g.setFont(FONT);
        FontMetrics fm = g.getFontMetrics();
        Ticks[] axes = axes(p);
        Ticks yt = axes[1];
        int yLabelWidth = yt.values().stream().mapToInt(v -> fm.stringWidth(yt.label(v))).max().orElse(0);
        Rectangle plot = new Rectangle(r.x + 28 + yLabelWidth, r.y + 30, 0, 0);
        plot.width = r.x + r.width - 14 - plot.x;
        plot.height = r.y + r.height - 46 - plot.y;
        g.setColor(Color.BLACK);
        g.setFont(TITLE_FONT);
        FontMetrics tm = g.getFontMetrics();
        g.drawString(p.title(), r.x + (r.width - tm.stringWidth(p.title())) / 2, r.y + tm.getAscent());
        g.setFont(FONT);
        drawGrid(g, plot, axes[0], yt);
        g.setColor(Color.DARK_GRAY);
        g.drawString(p.xTitle(), plot.x + (plot.width - fm.stringWidth(p.xTitle())) / 2, r.y + r.height - 4);
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        g.drawString(p.yTitle(), -(plot.y + (plot.height + fm.stringWidth(p.yTitle())) / 2), r.x + fm.getAscent());
        g.setTransform(saved);
        // The clip leaves room for whole markers at the edges.
        g.setClip(new Rectangle(plot.x - 5, plot.y - 5, plot.width + 11, plot.height + 11));
        for (Series s : p.series()) {
            drawSeries(g, plot, axes[0], yt, s);
        }
        g.setClip(null);
    }

    /** Grid lines, tick marks and tick labels of both axes, and the plot's frame. */
    private static void drawGrid(Graphics2D g, Rectangle plot, Ticks xt, Ticks yt) {
        FontMetrics fm = g.getFontMetrics();
        Color grid = new Color(0xe6e6e6);
        for (double v : xt.values()) {
            int px = (int) Math.round(plot.x + (v - xt.min()) / (xt.max() - xt.min()) * plot.width);
            g.setColor(grid);
            g.drawLine(px, plot.y, px, plot.y + plot.height);
            g.setColor(Color.DARK_GRAY);
            g.drawLine(px, plot.y + plot.height, px, plot.y + plot.height + 4);
            String label = xt.label(v);
            g.drawString(label, px - fm.stringWidth(label) / 2, plot.y + plot.height + 6 + fm.getAscent());
        }
        for (double v : yt.values()) {
            int py = (int) Math.round(plot.y + plot.height - (v - yt.min()) / (yt.max() - yt.min()) * plot.height);
            g.setColor(grid);
            g.drawLine(plot.x, py, plot.x + plot.width, py);
            g.setColor(Color.DARK_GRAY);
            g.drawLine(plot.x - 4, py, plot.x, py);
            String label = yt.label(v);
            g.drawString(label, plot.x - 7 - fm.stringWidth(label), py + fm.getAscent() / 2 - 1);
        }
        g.setColor(Color.DARK_GRAY);
        g.drawRect(plot.x, plot.y, plot.width, plot.height);
    }

    private static void drawSeries(Graphics2D g, Rectangle plot, Ticks xt, Ticks yt, Series s) {
        Path2D.Double path = new Path2D.Double();
        double[][] px = new double[s.x().length][];
        for (int i = 0; i < s.x().length; i++) {
            double x = plot.x + (s.x()[i] - xt.min()) / (xt.max() - xt.min()) * plot.width;
            double y = plot.y + plot.height - (s.y()[i] - yt.min()) / (yt.max() - yt.min()) * plot.height;
            px[i] = new double[] {x, y};
            if (i == 0) {
                path.moveTo(x, y);
            } else {
                path.lineTo(x, y);
            }
        }
        g.setColor(colour(s.member()));
        Stroke saved = g.getStroke();
        g.setStroke(s.dashed() ? new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, DASH, 0f)
                : new BasicStroke(1.6f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(path);
        g.setStroke(saved);
        // Markers only where they help: a lone point, or few enough points to tell apart.
        if (px.length <= 25) {
            for (double[] p : px) {
                if (s.dashed()) {
                    g.drawOval((int) Math.round(p[0]) - 3, (int) Math.round(p[1]) - 3, 6, 6);
                } else {
                    g.fillOval((int) Math.round(p[0]) - 3, (int) Math.round(p[1]) - 3, 6, 6);
                }
            }
        }
    }

    private static void drawLegend(Graphics2D g, Layout layout, List<String> names, List<String> keys, String prefix) {
        Rectangle box = layout.legend();
        g.setColor(new Color(0xfafafa));
        g.fillRect(box.x, box.y, box.width, box.height);
        g.setColor(new Color(0xcccccc));
        g.drawRect(box.x, box.y, box.width, box.height);
        g.setFont(FONT);
        FontMetrics fm = g.getFontMetrics();
        int columnWidth = layout.columnWidth();
        int top = box.y + LEGEND_PADDING;
        if (!keys.isEmpty() || !prefix.isEmpty()) {
            int x = box.x + LEGEND_PADDING;
            int y = top + LEGEND_ROW / 2;
            for (String key : keys) {
                x = sample(g, x, y, Color.DARK_GRAY, key.equals(TEST_KEY));
                g.drawString(key, x, y + fm.getAscent() / 2 - 1);
                x += fm.stringWidth(key) + (key.equals(TEST_KEY) ? 36 : 24);
            }
            if (!prefix.isEmpty()) {
                g.setColor(Color.DARK_GRAY);
                g.drawString("members: " + shortName(prefix, 3 * NAME_CHARS) + "\u2026", x, y + fm.getAscent() / 2 - 1);
            }
            top += LEGEND_ROW;
        }
        // Column-major, like a newspaper: member-1 to member-6 down the first column.
        for (int i = 0; i < names.size(); i++) {
            int x = box.x + LEGEND_PADDING + (i / layout.rows()) * columnWidth;
            int y = top + (i % layout.rows()) * LEGEND_ROW + LEGEND_ROW / 2;
            x = sample(g, x, y, colour(i), false);
            g.setColor(Color.BLACK);
            g.drawString(names.get(i), x, y + fm.getAscent() / 2 - 1);
        }
    }

    /** A short line in the given colour and style; returns where the label starts. */
    private static int sample(Graphics2D g, int x, int y, Color c, boolean dashed) {
        g.setColor(c);
        Stroke saved = g.getStroke();
        g.setStroke(dashed ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, DASH, 0f)
                : new BasicStroke(2.5f));
        g.drawLine(x, y, x + 26, y);
        g.setStroke(saved);
        g.setColor(Color.BLACK);
        return x + 32;
    }
}
