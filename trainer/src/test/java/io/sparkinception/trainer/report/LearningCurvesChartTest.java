package io.sparkinception.trainer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.trainer.report.LearningCurvesChart.Layout;
import io.sparkinception.trainer.report.LearningCurvesChart.Panel;
import io.sparkinception.trainer.report.LearningCurvesChart.Series;
import io.sparkinception.trainer.report.LearningCurvesChart.Ticks;
import io.sparkinception.trainer.report.ReportInput.Member;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.math.BigDecimal;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LearningCurvesChartTest {

    @Test
    void ticksAreRoundNumbersCoveringTheRange() {
        assertEquals(new Ticks(0, 40, 5), LearningCurvesChart.ticks(0, 40, 9));
        assertEquals(new Ticks(0, 50, 10), LearningCurvesChart.ticks(0, 40.3, 9));
        assertEquals(new Ticks(0, 45, 5), LearningCurvesChart.ticks(0, 40.3, 10));
        // One round of a 13-round epoch: 0.0769..., labelled in hundredths.
        Ticks small = LearningCurvesChart.ticks(0, 1 / 13.0, 9);
        assertEquals(0.01, small.step(), 1e-15);
        assertEquals(List.of("0", "0.01", "0.02", "0.03", "0.04", "0.05", "0.06", "0.07", "0.08"),
                small.values().stream().map(small::label).toList());
        Ticks top1 = LearningCurvesChart.ticks(7.3, 96.2, 7);
        assertEquals(List.of("0", "20", "40", "60", "80", "100"), top1.values().stream().map(top1::label).toList());
        Ticks loss = LearningCurvesChart.ticks(0.17, 3.93, 7);
        assertEquals(List.of("0", "1", "2", "3", "4"), loss.values().stream().map(loss::label).toList());
        Ticks single = LearningCurvesChart.ticks(3, 3, 9);
        assertTrue(single.min() < 3 && single.max() > 3, single.toString());
        Random rnd = new Random(3);
        for (int i = 0; i < 2000; i++) {
            double lo = rnd.nextBoolean() ? 0 : rnd.nextDouble() * Math.pow(10, rnd.nextInt(7) - 3);
            double hi = lo + rnd.nextDouble() * Math.pow(10, rnd.nextInt(7) - 3);
            int max = 2 + rnd.nextInt(9);
            Ticks t = LearningCurvesChart.ticks(lo, hi, max);
            String where = "[" + lo + ", " + hi + "] max " + max + ": " + t;
            assertTrue(t.min() <= lo && t.max() >= hi, where);
            assertTrue(t.count() <= max && t.count() >= 2, where);
            BigDecimal step = BigDecimal.valueOf(t.step()).stripTrailingZeros();
            assertTrue(step.unscaledValue().abs().intValueExact() == 1 || step.unscaledValue().abs().intValueExact() == 2
                    || step.unscaledValue().abs().intValueExact() == 5, "step not 1, 2 or 5 x 10^k: " + where);
            for (double v : t.values()) {
                String label = t.label(v);
                BigDecimal parsed = new BigDecimal(label);
                assertTrue(parsed.scale() <= Math.max(0, step.scale()), "label " + label + " has more decimals than the step " + where);
                assertEquals(0, parsed.remainder(step).signum(), "label " + label + " not a multiple of the step " + where);
            }
        }
    }

    @Test
    void theLegendLiesBelowEveryPanelAndHoldsEveryEntry() {
        for (int panels = 1; panels <= 3; panels++) {
            for (int entries = 1; entries <= 16; entries++) {
                for (int keyRows = 0; keyRows <= 1; keyRows++) {
                    Layout l = LearningCurvesChart.layout(panels, entries, 130, keyRows);
                    String where = panels + " panels, " + entries + " entries: " + l;
                    assertEquals(panels, l.panels().size());
                    Rectangle legend = l.legend();
                    for (Rectangle p : l.panels()) {
                        assertTrue(legend.y >= p.y + p.height, "legend overlaps a panel: " + where);
                        assertTrue(p.x >= 0 && p.x + p.width <= l.width(), where);
                    }
                    assertTrue(l.columns() * l.rows() >= entries, where);
                    assertTrue((l.columns() - 1) * l.rows() < entries, "an empty column: " + where);
                    assertTrue(l.columnWidth() >= 130, "an entry wider than its column: " + where);
                    assertTrue(l.columns() * l.columnWidth() + 2 * LearningCurvesChart.LEGEND_PADDING <= legend.width,
                            "columns wider than the legend: " + where);
                    assertTrue((l.rows() + keyRows) * LearningCurvesChart.LEGEND_ROW <= legend.height, where);
                    assertTrue(legend.x >= 0 && legend.x + legend.width <= l.width(), where);
                    assertTrue(legend.y + legend.height <= l.height(), where);
                }
            }
        }
        // Three panels side by side hold 16 members of 130 px in 2 rows of 8; one panel in 3 columns of 6, 6 and 4.
        Layout l = LearningCurvesChart.layout(3, 16, 130, 1);
        assertEquals(2, l.rows());
        assertEquals(8, l.columns());
        assertTrue(l.width() <= 1400, "wider than the report's HTML: " + l.width());
        Layout narrow = LearningCurvesChart.layout(1, 16, 130, 0);
        assertEquals(6, narrow.rows());
        assertEquals(3, narrow.columns());
        // 7 entries in 3 columns need 3 rows; then 3 columns (3 + 3 + 1) stay, not 4 (2 + 2 + 2 + 1).
        Layout seven = LearningCurvesChart.layout(1, 7, 130, 0);
        assertEquals(3, seven.rows());
        assertEquals(3, seven.columns());
    }

    @Test
    void evalDataScoresBecomeDashedCurvesAndWallTimeItsOwnPanel() {
        List<Panel> withTest = LearningCurvesChart.panels(ReportFixtures.ensemble(7, 40, 13, true));
        assertEquals(List.of("epoch", "epoch", "wall-clock minutes"), withTest.stream().map(Panel::xTitle).toList());
        Panel top1 = withTest.get(1);
        assertEquals(14, top1.series().size());
        for (int m = 0; m < 7; m++) {
            int member = m;
            assertEquals(List.of(false, true), top1.series().stream().filter(s -> s.member() == member)
                    .map(Series::dashed).toList(), "member " + m + ": a solid validation and a dashed test curve");
        }
        assertEquals(40, top1.series().get(0).x().length);
        assertEquals(40 * 13, withTest.get(0).series().get(0).x().length);
        // 40 epochs of 13 rounds (1/13 epoch each): the epoch axis reads 0, 5, ..., 40.
        Ticks epochs = LearningCurvesChart.axes(withTest.get(0))[0];
        assertEquals(List.of("0", "5", "10", "15", "20", "25", "30", "35", "40"),
                epochs.values().stream().map(epochs::label).toList());

        List<Panel> without = LearningCurvesChart.panels(ReportFixtures.ensemble(2, 5, 4, false));
        assertEquals(2, without.size(), "no wall time recorded: no minutes panel");
        assertTrue(without.stream().flatMap(p -> p.series().stream()).noneMatch(Series::dashed));
    }

    @Test
    void drawsOneAndSixteenMembersWithEveryMembersColourInTheLegend() {
        BufferedImage one = LearningCurvesChart.draw(ReportFixtures.ensemble(1, 3, 13, false)).orElseThrow();
        Layout oneLayout = LearningCurvesChart.layout(2, 1, 100, 0);
        assertEquals(oneLayout.width(), one.getWidth());

        List<Member> members = ReportFixtures.ensemble(16, 40, 13, true);
        BufferedImage img = LearningCurvesChart.draw(members).orElseThrow();
        Layout l = LearningCurvesChart.layout(3, 16, 100, 1);
        assertEquals(l.width(), img.getWidth());
        int legendTop = LearningCurvesChart.MARGIN + LearningCurvesChart.PANEL_HEIGHT + LearningCurvesChart.LEGEND_GAP;
        assertTrue(img.getHeight() > legendTop + 3 * LearningCurvesChart.LEGEND_ROW, img.getHeight() + " px high");
        // Below the panels, the legend shows the colour of the last member.
        int wanted = LearningCurvesChart.PALETTE[15].getRGB() & 0xffffff;
        boolean found = false;
        for (int y = legendTop; y < img.getHeight() && !found; y++) {
            for (int x = 0; x < img.getWidth() && !found; x++) {
                found = (img.getRGB(x, y) & 0xffffff) == wanted;
            }
        }
        assertTrue(found, "member-16's colour is not in the legend");
        assertTrue(LearningCurvesChart.draw(List.of()).isEmpty());
    }

    @Test
    void theKeyNamesOnlyTheLineStylesDrawn() {
        double[] xs = {1, 2};
        Panel loss = new Panel("Training loss per round", "epoch", "loss", List.of(new Series(0, false, xs, xs)));
        Panel testOnly = new Panel("t", "epoch", "top-1 accuracy (%)", List.of(new Series(0, true, xs, xs)));
        Panel both = new Panel("t", "epoch", "top-1 accuracy (%)",
                List.of(new Series(0, false, xs, xs), new Series(0, true, xs, xs)));
        Panel valOnly = new Panel("t", "epoch", "top-1 accuracy (%)", List.of(new Series(0, false, xs, xs)));
        // A run without a val split, scored on eval-data: the solid loss curve is no validation line.
        assertEquals(List.of(LearningCurvesChart.TEST_KEY), LearningCurvesChart.keyStyles(List.of(loss, testOnly)));
        assertEquals(List.of(LearningCurvesChart.VALIDATION_KEY, LearningCurvesChart.TEST_KEY),
                LearningCurvesChart.keyStyles(List.of(loss, both)));
        assertEquals(List.of(), LearningCurvesChart.keyStyles(List.of(loss, valOnly)), "one style: no key row");
    }

    @Test
    void longNamesKeepBothEnds() {
        assertEquals("member-16", LearningCurvesChart.shortName("member-16"));
        String s = LearningCurvesChart.shortName("gtsrb-inception-resnet-v2-w1.25-member-16");
        assertEquals(LearningCurvesChart.NAME_CHARS, s.length());
        assertTrue(s.startsWith("gtsrb-inc") && s.endsWith("member-16"), s);
    }

    @Test
    void aLongPrefixSharedByAllNamesIsNamedOnce() {
        assertEquals("gtsrb-inception-resnet-v2-w1.25-", LearningCurvesChart.commonPrefix(List.of(
                "gtsrb-inception-resnet-v2-w1.25-member-1", "gtsrb-inception-resnet-v2-w1.25-member-12")));
        assertEquals("", LearningCurvesChart.commonPrefix(List.of("member-1", "member-12")), "short names stay whole");
        assertEquals("", LearningCurvesChart.commonPrefix(List.of("gtsrb-inception-resnet-v2-w1.25-member-1")),
                "one member: nothing to share");
        // The cut falls on a separator: "...-run" and "...-rerun" share "...-r", but only "...-" is removed.
        assertEquals("a-very-long-experiment-name-", LearningCurvesChart.commonPrefix(List.of(
                "a-very-long-experiment-name-run", "a-very-long-experiment-name-rerun")));
    }
}
