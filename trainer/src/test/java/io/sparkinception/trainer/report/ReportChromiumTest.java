package io.sparkinception.trainer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Elements;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opens report.html in headless Chromium: the tables have their rows and every embedded image decodes and shows. */
@Tag("e2e") // needs headless Chromium
class ReportChromiumTest {
    /** Appended to a copy of the report: records what the browser laid out and decoded into attributes. */
    private static final String PROBE = """
            <script>
            window.addEventListener("load", function () {
              document.querySelectorAll("img").forEach(function (i) {
                i.setAttribute("data-complete", i.complete);
                i.setAttribute("data-natural-width", i.naturalWidth);
                i.setAttribute("data-natural-height", i.naturalHeight);
                i.setAttribute("data-shown-width", i.getBoundingClientRect().width);
              });
              document.querySelectorAll("table").forEach(function (t) {
                t.setAttribute("data-shown-height", t.getBoundingClientRect().height);
              });
              document.body.setAttribute("data-probed", "yes");
            });
            </script>
            """;

    @TempDir
    static Path dir;
    static ReportInput input;
    static HeadlessChromium chromium;
    static Path html;

    @BeforeAll
    static void render() throws IOException {
        Path work = Files.createDirectories(dir.resolve("chromium"));
        chromium = HeadlessChromium.find(work);
        input = ReportFixtures.input();
        Path report = dir.resolve("report");
        ReportWriter.write(input, report);
        html = report.resolve(ReportLayout.HTML);
    }

    @Test
    void tablesHaveTheirRowsAndEveryImageIsAnEmbeddedPng() throws Exception {
        Document dom = Jsoup.parse(chromium.dumpDom(html));
        Elements results = dom.select("table#results tbody tr");
        assertEquals(input.results().size(), results.size(), "results rows");
        for (int i = 0; i < results.size(); i++) {
            List<String> td = results.get(i).select("td").eachText();
            assertEquals(6, td.size());
            assertEquals(Integer.toString(input.results().get(i).members()), td.get(0));
            assertEquals(Integer.toString(input.results().get(i).crops()), td.get(1));
        }
        int classes = input.classNames().size();
        assertEquals(classes, dom.select("table#per-class tbody tr").size(), "per-class rows");
        assertEquals(classes, dom.select("table#class-counts tbody tr").size(), "class-count rows");
        assertEquals(input.confusedPairs().size(), dom.select("table#confused-pairs tbody tr").size());
        assertEquals(input.members().size(), dom.select("table#members tbody tr").size());
        // The markup-laden class name arrived as text, not as a script element.
        assertTrue(dom.select("table#per-class td").eachText().contains(ReportFixtures.CLASS_NAMES.get(1)));
        assertEquals(0, dom.select("script").size(), "the report must not contain scripts");

        Elements imgs = dom.select("img");
        assertEquals(6 + 3 + 3, imgs.size(), "6 charts, 3 example crops, 3 sample strips");
        for (Element img : imgs) {
            BufferedImage decoded = decode(img);
            assertTrue(decoded.getWidth() > 0 && decoded.getHeight() > 0, img.attr("alt"));
        }
    }

    @Test
    void theBrowserDecodesAndLaysOutEveryImageAndTable() throws Exception {
        Path probe = html.resolveSibling("probe.html");
        Files.writeString(probe, Files.readString(html).replace("</body>", PROBE + "</body>"));
        Document dom = Jsoup.parse(chromium.dumpDom(probe));
        assertEquals("yes", dom.body().attr("data-probed"), "the load handler did not run before the dump");
        Elements imgs = dom.select("img");
        assertEquals(12, imgs.size());
        for (Element img : imgs) {
            BufferedImage decoded = decode(img);
            assertEquals("true", img.attr("data-complete"), img.attr("alt"));
            assertEquals(decoded.getWidth(), Integer.parseInt(img.attr("data-natural-width")), img.attr("alt"));
            assertEquals(decoded.getHeight(), Integer.parseInt(img.attr("data-natural-height")), img.attr("alt"));
            assertTrue(Double.parseDouble(img.attr("data-shown-width")) > 0, img.attr("alt") + " is not shown");
        }
        for (Element table : dom.select("table")) {
            assertTrue(Double.parseDouble(table.attr("data-shown-height")) > 0, "table " + table.id() + " not shown");
        }
    }

    @Test
    void theScreenshotShowsAPageNotABlankWindow() throws Exception {
        Path shot = chromium.screenshot(html, 1280, 1600);
        BufferedImage img = ImageIO.read(shot.toFile());
        assertNotNull(img, "no screenshot written");
        assertEquals(1280, img.getWidth());
        Set<Integer> colors = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 4) {
            for (int x = 0; x < img.getWidth(); x += 4) {
                colors.add(img.getRGB(x, y));
            }
        }
        // Text, table borders and chart colours: a blank or error page has a handful of colours.
        assertTrue(colors.size() > 50, "screenshot has only " + colors.size() + " colours");
    }

    private static BufferedImage decode(Element img) throws IOException {
        String src = img.attr("src");
        String prefix = "data:image/png;base64,";
        assertTrue(src.startsWith(prefix) && src.length() > prefix.length(), "not an embedded PNG: " + img.attr("alt"));
        byte[] bytes = Base64.getDecoder().decode(src.substring(prefix.length()));
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(bytes));
        assertNotNull(decoded, img.attr("alt") + " does not decode as an image");
        assertEquals((byte) 0x89, bytes[0]);
        assertEquals("PNG", new String(bytes, 1, 3, java.nio.charset.StandardCharsets.US_ASCII), "not a PNG");
        return decoded;
    }
}
