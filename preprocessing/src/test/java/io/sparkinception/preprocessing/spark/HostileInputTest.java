package io.sparkinception.preprocessing.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sparkinception.preprocessing.DatasetMetadata;
import io.sparkinception.preprocessing.PixelStorage;
import io.sparkinception.preprocessing.PreprocessConfig;
import io.sparkinception.preprocessing.annotations.SkipReason;
import io.sparkinception.preprocessing.annotations.Skipped;
import io.sparkinception.preprocessing.annotations.SourceSpec;
import io.sparkinception.preprocessing.image.Interpolation;
import io.sparkinception.testing.LocalSpark;
import io.sparkinception.testing.PngHeaders;
import io.sparkinception.testing.TestImages;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.commons.io.output.NullOutputStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, preprocessing rows: hostile annotation paths, special files, decompression bombs, grayscale pixels,
 * coordinate overflow and output directories. Every file is generated here; every run checks the skip reason,
 * a non-empty detail and {@code input == written + skipped}. The images root is {@code <tmp>/root} (the CSV's
 * folder); {@code <tmp>/outside/secret.png} is a real image outside it, which must never be written.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTest {
    private static final PrintStream QUIET = new PrintStream(NullOutputStream.INSTANCE);
    private static final String HEADER = "path,label,xmin,ymin,xmax,ymax\n";
    private static final String GOOD = "img/good.png,cat,0,0,9,9\n";
    private final AtomicInteger runs = new AtomicInteger();
    private SparkSession spark;

    @TempDir
    Path dir;
    private Path root;
    private Path secret;

    @BeforeAll
    void start() {
        spark = LocalSpark.start("hostile-input");
    }

    @AfterAll
    void stop() {
        spark.stop();
    }

    @BeforeEach
    void images() {
        root = dir.resolve("root");
        TestImages.writePng(root.resolve("img/good.png"), TestImages.gradient(12, 12));
        secret = TestImages.writePng(dir.resolve("outside/secret.png"), TestImages.gradient(12, 12));
    }

    @Test
    void dotDotPathsThatLeaveTheRootAreSkipped() throws Exception {
        DatasetMetadata m = run(HEADER + GOOD
                + "../outside/secret.png,cat,0,0,9,9\n"
                + "img/../../outside/secret.png,cat,0,0,9,9\n"
                + "img/./..//../outside/secret.png,cat,0,0,9,9\n"
                + "img/../img/good.png,cat,1,1,9,9\n"
                + "../../../../../../../../etc/passwd,cat,0,0,9,9\n", PreprocessConfig.Reads.DEFAULT);
        assertSkips(m, Map.of(3, SkipReason.PATH_OUTSIDE_ROOT, 4, SkipReason.PATH_OUTSIDE_ROOT,
                5, SkipReason.PATH_OUTSIDE_ROOT, 7, SkipReason.PATH_OUTSIDE_ROOT), 2);
        assertTrue(detail(m, 3).contains("leaves the images root"), detail(m, 3));
    }

    @Test
    void absolutePathsOutsideTheRootAreSkipped() throws Exception {
        DatasetMetadata m = run(HEADER + GOOD
                + "/etc/passwd,cat,0,0,9,9\n"
                + secret + ",cat,0,0,9,9\n"
                + "/proc/self/environ,cat,0,0,9,9\n"
                + root.resolve("img/good.png") + ",cat,1,1,9,9\n", PreprocessConfig.Reads.DEFAULT);
        assertSkips(m, Map.of(3, SkipReason.PATH_OUTSIDE_ROOT, 4, SkipReason.PATH_OUTSIDE_ROOT,
                5, SkipReason.PATH_OUTSIDE_ROOT), 2);
    }

    /** Other schemes are refused before any file system is contacted: the local server sees no connection. */
    @Test
    @Timeout(120)
    void otherSchemesAreSkippedWithoutAnyRequest() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            server.configureBlocking(false);
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            DatasetMetadata m = run(HEADER + GOOD
                    + "file:///etc/hostname,cat,0,0,9,9\n"
                    + "http://127.0.0.1:" + port + "/x.png,cat,0,0,9,9\n"
                    + "https://127.0.0.1:" + port + "/x.png,cat,0,0,9,9\n"
                    + "hdfs://127.0.0.1:" + port + "/x.png,cat,0,0,9,9\n"
                    + "file://" + secret + ",cat,0,0,9,9\n", PreprocessConfig.Reads.DEFAULT);
            assertSkips(m, Map.of(3, SkipReason.PATH_OUTSIDE_ROOT, 4, SkipReason.PATH_OUTSIDE_ROOT,
                    5, SkipReason.PATH_OUTSIDE_ROOT, 6, SkipReason.PATH_OUTSIDE_ROOT, 7, SkipReason.PATH_OUTSIDE_ROOT), 1);
            assertTrue(detail(m, 4).contains("another file system"), detail(m, 4));
            // Even with the opt-in, another file system stays out of reach.
            DatasetMetadata allowed = run(HEADER + GOOD + "http://127.0.0.1:" + port + "/x.png,cat,0,0,9,9\n",
                    new PreprocessConfig.Reads(true, 1 << 20, 1_000_000));
            assertSkips(allowed, Map.of(3, SkipReason.PATH_OUTSIDE_ROOT), 1);
            assertNull(server.accept(), "an annotation path made the job open a connection");
        }
    }

    @Test
    void symbolicLinksOutOfTheRootAreSkipped() throws Exception {
        Files.createSymbolicLink(root.resolve("img/link-out.png"), secret);
        Files.createSymbolicLink(root.resolve("linked-dir"), secret.getParent());
        Files.createSymbolicLink(root.resolve("img/link-in.png"), root.resolve("img/good.png"));
        DatasetMetadata m = run(HEADER + GOOD
                + "img/link-out.png,cat,0,0,9,9\n"
                + "linked-dir/secret.png,cat,0,0,9,9\n"
                + "img/link-in.png,cat,0,0,9,9\n", PreprocessConfig.Reads.DEFAULT);
        assertSkips(m, Map.of(3, SkipReason.PATH_OUTSIDE_ROOT, 4, SkipReason.PATH_OUTSIDE_ROOT), 2);
        assertTrue(detail(m, 3).contains("symbolic link"), detail(m, 3));
    }

    /**
     * With the opt-in, paths outside the root are read, but special files never are: /dev/zero, a directory and a
     * FIFO are refused from their attributes (a read would never end or block forever); /proc files, which report
     * size 0, are read bounded.
     */
    @Test
    @Timeout(120)
    void nonRegularFilesAreRefusedAndTheOptInReadsOutsideTheRoot() throws Exception {
        Files.createDirectories(root.resolve("img/a-directory.png"));
        Path fifo = root.resolve("img/fifo.png");
        boolean haveFifo = mkfifo(fifo);
        DatasetMetadata m = run(HEADER + GOOD
                + "/dev/zero,cat,0,0,9,9\n"
                + "img/a-directory.png,cat,0,0,9,9\n"
                + (haveFifo ? "img/fifo.png" : "img/good.png") + ",cat,0,0,9,8\n"
                + "/proc/self/environ,cat,0,0,9,9\n"
                + secret + ",cat,0,0,9,9\n"
                + "../outside/secret.png,cat,1,1,9,9\n", new PreprocessConfig.Reads(true, 1 << 20, 1_000_000));
        Map<Integer, SkipReason> expected = new TreeMap<>(Map.of(3, SkipReason.READ_ERROR, 4, SkipReason.READ_ERROR,
                6, SkipReason.CORRUPT_IMAGE));
        if (haveFifo) {
            expected.put(5, SkipReason.READ_ERROR);
        }
        assertSkips(m, expected, haveFifo ? 3 : 4);
        assertTrue(detail(m, 3).contains("not a regular file (a device, FIFO or socket)"), detail(m, 3));
        assertTrue(detail(m, 4).contains("not a regular file (a directory)"), detail(m, 4));
        assumeTrue(haveFifo, "mkfifo is not available: the FIFO case did not run");
    }

    @Test
    void filesLargerThanMaxFileBytesAreSkippedBeforeReading() throws Exception {
        Path big = TestImages.writePng(root.resolve("img/big.png"), TestImages.gradient(300, 300));
        long good = Files.size(root.resolve("img/good.png"));
        assertTrue(Files.size(big) > 4000 && good < 4000, "test files straddle the limit");
        DatasetMetadata m = run(HEADER + GOOD + "img/big.png,cat,0,0,9,9\n", new PreprocessConfig.Reads(false, 4000, 1_000_000));
        assertSkips(m, Map.of(3, SkipReason.FILE_TOO_LARGE), 1);
        assertTrue(detail(m, 3).contains("more than max-file-bytes 4000"), detail(m, 3));
    }

    /** 12000 x 12000 (a valid 150 KB PNG) killed the job in getRGB; a 20000^2 header gave an empty reason. */
    @Test
    void decompressionBombsAreSkippedFromTheirHeader() throws Exception {
        byte[] bomb = PngHeaders.grayPng(12_000, 12_000, true);
        assertTrue(bomb.length < 1_000_000, "a small file: " + bomb.length);
        Files.write(root.resolve("img/bomb-12000.png"), bomb);
        Files.write(root.resolve("img/bomb-20000.png"), PngHeaders.grayPng(20_000, 20_000, false));
        DatasetMetadata m = run(HEADER + GOOD
                + "img/bomb-12000.png,cat,0,0,9,9\n"
                + "img/bomb-20000.png,cat,0,0,9,9\n", PreprocessConfig.Reads.DEFAULT);
        assertSkips(m, Map.of(3, SkipReason.IMAGE_TOO_LARGE, 4, SkipReason.IMAGE_TOO_LARGE), 1);
        assertTrue(detail(m, 3).contains("12000x12000 = 144000000 pixels, more than max-pixels 100000000"), detail(m, 3));
        assertTrue(detail(m, 4).contains("20000x20000"), detail(m, 4));
    }

    /** Stored gray values reach the shards unchanged (uint8 storage keeps the raw 0-255 values). */
    @Test
    void grayscaleImagesAreWrittenWithTheirStoredValues() throws Exception {
        TestImages.writePng(root.resolve("img/gray8.png"), filled(DataBuffer.TYPE_BYTE, false, 77));
        TestImages.writePng(root.resolve("img/gray16.png"), filled(DataBuffer.TYPE_USHORT, false, 77 * 257 + 128));
        TestImages.writePng(root.resolve("img/gray-alpha.png"), filled(DataBuffer.TYPE_BYTE, true, 77));
        TestImages.writePng(root.resolve("img/gray16-alpha.png"), filled(DataBuffer.TYPE_USHORT, true, 77 * 257 - 128));
        String out = dir.resolve("out-gray").toString();
        DatasetMetadata m = PreprocessPipeline.run(spark, PreprocessConfig.builder(source(csv(HEADER
                + "img/gray8.png,cat,0,0,7,7\nimg/gray16.png,cat,0,0,7,7\n"
                + "img/gray-alpha.png,cat,0,0,7,7\nimg/gray16-alpha.png,cat,0,0,7,7\n")), out)
                .newSpec(new PreprocessConfig.NewSpec(8, new PreprocessConfig.CropSpec(0, false, Interpolation.NEAREST),
                        PixelStorage.UINT8, false)).shards(1).valFraction(0.0).seed(1).partitions(2).build(), QUIET).metadata();
        assertEquals(4, m.counts().written());
        byte[] expected = new byte[3 * 8 * 8];
        java.util.Arrays.fill(expected, (byte) 77);
        List<Row> rows = spark.read().parquet(out + "/train").select("id", "pixels").collectAsList();
        assertEquals(4, rows.size());
        for (Row r : rows) {
            assertArrayEquals(expected, (byte[]) r.get(1), r.getString(0));
        }
        assertEquals(77.0, m.spec().mean()[0], 1e-9);
    }

    @Test
    void coordinatesOutsideTheIntRangeAndOverflowingBoxesAreMalformed() throws Exception {
        DatasetMetadata m = run(HEADER + GOOD
                + "img/good.png,cat,1e10,0,9,9\n"
                + "img/good.png,cat,0,0,99999999999999999999,9\n"
                + "img/good.png,cat,-1e10,0,1e10,9\n"
                + "img/good.png,cat,-2000000000,0,2000000000,9\n"
                + "img/good.png,cat,0,-2147483648,9,2147483647\n"
                + "img/good.png,cat,-1000000000,0,1000000000,9\n", PreprocessConfig.Reads.DEFAULT);
        assertSkips(m, Map.of(3, SkipReason.MALFORMED_RECORD, 4, SkipReason.MALFORMED_RECORD, 5, SkipReason.MALFORMED_RECORD,
                6, SkipReason.MALFORMED_RECORD, 7, SkipReason.MALFORMED_RECORD), 2);
        assertTrue(detail(m, 3).contains("coordinate '1e10' is outside the int range"), detail(m, 3));
        assertTrue(detail(m, 4).contains("'99999999999999999999' is outside the int range"), detail(m, 4));
        assertTrue(detail(m, 6).contains("width or height overflows an int"), detail(m, 6));
        assertTrue(detail(m, 7).contains("width or height overflows an int"), detail(m, 7));
        // The huge but representable box is clamped to the whole 12 x 12 image, not wrapped around.
        Row clamped = spark.read().parquet(runOutput() + "/train").where("id = 'img/good.png#1'").select("crop_box").first();
        assertEquals("[0,0,11,10]", clamped.get(0).toString());
    }

    /** VOC: coordinates and file names are checked the same way (the VOC root confines reads). */
    @Test
    void vocCoordinatesAndFileNamesAreCheckedToo() throws Exception {
        Path voc = dir.resolve("voc");
        TestImages.writePng(voc.resolve("JPEGImages/a.png"), TestImages.gradient(12, 12));
        Files.writeString(Files.createDirectories(voc.resolve("Annotations")).resolve("a.xml"), "<annotation><filename>a.png</filename>"
                + object("1", "1", "10", "10") + object("1e10", "1", "10", "10") + object("-2000000000", "1", "2000000000", "10")
                + "</annotation>");
        Files.writeString(voc.resolve("Annotations/b.xml"), "<annotation><filename>../../outside/secret.png</filename>"
                + object("1", "1", "10", "10") + "</annotation>");
        Files.writeString(voc.resolve("Annotations/c.xml"), "<annotation><filename>/etc/passwd</filename>"
                + object("1", "1", "10", "10") + "</annotation>");
        SourceSpec source = new SourceSpec(SourceSpec.Format.VOC, voc.toString(), "", "", null, true);
        DatasetMetadata m = PreprocessPipeline.run(spark, config(source, dir.resolve("out-voc").toString(),
                PreprocessConfig.Reads.DEFAULT, false), QUIET).metadata();
        Map<String, SkipReason> reasons = reasons(m);
        assertEquals(Map.of("a.xml#object1", SkipReason.MALFORMED_RECORD, "a.xml#object2", SkipReason.MALFORMED_RECORD,
                "b.xml#object0", SkipReason.PATH_OUTSIDE_ROOT, "c.xml#object0", SkipReason.PATH_OUTSIDE_ROOT), reasons);
        assertEquals(1, m.counts().written());
        assertReconciles(m);
    }

    // ---- the good cases the issue asks to keep tested ----

    /** A UTF-8 byte-order mark, CRLF line ends and quoted fields holding the delimiter and quotes. */
    @Test
    void bomCrlfAndQuotedFieldsAreRead() throws Exception {
        DatasetMetadata m = run("\uFEFF" + HEADER.replace("\n", "\r\n")
                + "\"img/good.png\",\"cat, \"\"big\"\"\",0,0,9,9\r\n"
                + "img/good.png,dog,1,1,9,9\r\n", PreprocessConfig.Reads.DEFAULT);
        assertSkips(m, Map.of(), 2);
        assertEquals(List.of("cat, \"big\"", "dog"), m.classes().stream().map(c -> c.label()).toList());
    }

    /**
     * VOC XML with a DOCTYPE is refused (no external entity, no entity expansion): the file reference is not read
     * and the local server is not contacted.
     */
    @Test
    void vocXmlWithExternalEntitiesOrEntityExpansionIsMalformed() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            server.configureBlocking(false);
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            Path voc = dir.resolve("voc-xxe");
            TestImages.writePng(voc.resolve("JPEGImages/a.png"), TestImages.gradient(12, 12));
            Path ann = Files.createDirectories(voc.resolve("Annotations"));
            Files.writeString(ann.resolve("a.xml"), "<annotation><filename>a.png</filename>" + object("1", "1", "10", "10")
                    + "</annotation>");
            Files.writeString(ann.resolve("file.xml"), "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x SYSTEM \""
                    + secret.toUri() + "\">]><annotation><filename>a.png</filename><object><name>&x;</name><bndbox>"
                    + "<xmin>1</xmin><ymin>1</ymin><xmax>9</xmax><ymax>9</ymax></bndbox></object></annotation>");
            Files.writeString(ann.resolve("http.xml"), "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x SYSTEM "
                    + "\"http://127.0.0.1:" + port + "/x\">]><annotation><filename>&x;</filename></annotation>");
            Files.writeString(ann.resolve("laughs.xml"), "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY l \"lol\">"
                    + "<!ENTITY l1 \"&l;&l;&l;&l;&l;&l;&l;&l;&l;&l;\"><!ENTITY l2 \"&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;\">"
                    + "<!ENTITY l3 \"&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;\">]><annotation><filename>&l3;</filename></annotation>");
            SourceSpec source = new SourceSpec(SourceSpec.Format.VOC, voc.toString(), "", "", null, true);
            DatasetMetadata m = PreprocessPipeline.run(spark, config(source, dir.resolve("out-xxe").toString(),
                    PreprocessConfig.Reads.DEFAULT, false), QUIET).metadata();
            assertEquals(Map.of("file.xml", SkipReason.MALFORMED_RECORD, "http.xml", SkipReason.MALFORMED_RECORD,
                    "laughs.xml", SkipReason.MALFORMED_RECORD), reasons(m));
            assertTrue(m.skipped().get(0).detail().contains("DOCTYPE"), m.skipped().get(0).detail());
            assertEquals(1, m.counts().written());
            assertReconciles(m);
            assertNull(server.accept(), "an XML entity made the job open a connection");
        }
    }

    /** Whole-source problems are one-line errors (exit 2), not skips: empty file, missing column; header-only: no classes. */
    @Test
    void emptyHeaderOnlyAndMissingColumnFilesAreClearErrors() throws Exception {
        Map<String, String> cases = Map.of("", "empty file, expected a header row",
                "path,label,xmin,ymin,xmax\nimg/good.png,cat,0,0,9\n", "no column 'ymax'",
                HEADER, "no usable labelled record (0 skipped)");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Path csv = csv(c.getKey());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PreprocessPipeline.run(spark,
                    config(source(csv), runOutput(), PreprocessConfig.Reads.DEFAULT, false), QUIET));
            assertTrue(e.getMessage().contains(c.getValue()), e.getMessage());
            assertFalse(Files.exists(Path.of(runOutput())), "a failed run leaves no output");
        }
        assertNoStagingLeft();
    }

    // ---- output directories ----

    /** A directory the project did not write is refused before the input is read (the CSV does not even exist). */
    @Test
    void aUserDirectoryIsRefusedAndLeftUntouched() throws Exception {
        Path mine = Files.createDirectories(dir.resolve("mine"));
        Files.writeString(mine.resolve("notes.txt"), "my notes");
        Path missingCsv = dir.resolve("no-such.csv");
        for (boolean overwrite : new boolean[] {false, true}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PreprocessPipeline.run(spark,
                    config(source(missingCsv), mine.toString(), PreprocessConfig.Reads.DEFAULT, overwrite), QUIET));
            assertTrue(e.getMessage().contains("exists and is not a finished preprocess output: refusing to touch it"),
                    e.getMessage());
            assertFalse(e.getMessage().contains("\n"), "one line");
        }
        assertEquals("my notes", Files.readString(mine.resolve("notes.txt")));
        try (Stream<Path> s = Files.list(mine)) {
            assertEquals(1, s.count());
        }
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PreprocessPipeline.run(spark,
                config(source(missingCsv), file.toString(), PreprocessConfig.Reads.DEFAULT, true), QUIET));
        assertTrue(e.getMessage().contains("is a file"), e.getMessage());
        assertEquals("x", Files.readString(file));
        assertNoStagingLeft();
    }

    @Test
    void aFailingOverwriteLeavesTheFinishedRunIntact() throws Exception {
        String out = dir.resolve("out-keep").toString();
        PreprocessPipeline.run(spark, config(source(csv(HEADER + GOOD)), out, PreprocessConfig.Reads.DEFAULT, false), QUIET);
        byte[] metadata = Files.readAllBytes(Path.of(out, "metadata.json"));
        List<String> before = listing(Path.of(out));
        // Every record is skipped (missing file): no training split, no mean: the rerun fails after its Spark jobs.
        Path failing = csv(HEADER + "img/missing.png,cat,0,0,9,9\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PreprocessPipeline.run(spark,
                config(source(failing), out, PreprocessConfig.Reads.DEFAULT, true), QUIET));
        assertTrue(e.getMessage().contains("training split is empty"), e.getMessage());
        assertArrayEquals(metadata, Files.readAllBytes(Path.of(out, "metadata.json")));
        assertEquals(before, listing(Path.of(out)));
        assertNoStagingLeft();
    }

    @Test
    void aSuccessfulOverwriteReplacesTheRunAndAnEmptyDirectoryIsUsable() throws Exception {
        Path out = Files.createDirectories(dir.resolve("out-replace"));
        TestImages.writePng(root.resolve("img/other.png"), TestImages.gradient(20, 20));
        DatasetMetadata first = PreprocessPipeline.run(spark, config(source(csv(HEADER + GOOD + "img/other.png,dog,0,0,9,9\n")),
                out.toString(), PreprocessConfig.Reads.DEFAULT, false), QUIET).metadata();
        assertEquals(2, first.counts().written());
        DatasetMetadata second = PreprocessPipeline.run(spark, config(source(csv(HEADER + GOOD)), out.toString(),
                PreprocessConfig.Reads.DEFAULT, true), QUIET).metadata();
        assertEquals(1, second.counts().written());
        assertEquals(1, spark.read().parquet(out + "/train").count());
        assertTrue(Files.readString(out.resolve("metadata.json")).contains("\"input_records\" : 1"));
        assertNoStagingLeft();
    }

    // ---- helpers ----

    private static String object(String x1, String y1, String x2, String y2) {
        return "<object><name>cat</name><bndbox><xmin>" + x1 + "</xmin><ymin>" + y1 + "</ymin><xmax>" + x2
                + "</xmax><ymax>" + y2 + "</ymax></bndbox></object>";
    }

    private static BufferedImage filled(int type, boolean alpha, int value) {
        int bits = type == DataBuffer.TYPE_BYTE ? 8 : 16;
        int[] sizes = alpha ? new int[] {bits, bits} : new int[] {bits};
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), sizes, alpha, false,
                alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE, type);
        WritableRaster r = cm.createCompatibleWritableRaster(8, 8);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                r.setSample(x, y, 0, value);
                if (alpha) {
                    r.setSample(x, y, 1, (x * 37) % (1 << bits));
                }
            }
        }
        return new BufferedImage(cm, r, false, null);
    }

    private static boolean mkfifo(Path path) {
        try {
            return new ProcessBuilder("mkfifo", path.toString()).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private Path csv(String text) throws IOException {
        return Files.writeString(root.resolve("boxes-" + runs.incrementAndGet() + ".csv"), text);
    }

    private String runOutput() {
        return dir.resolve("out-" + runs.get()).toString();
    }

    private static SourceSpec source(Path csv) {
        return new SourceSpec(SourceSpec.Format.CSV, csv.toString(), "", "", null, true);
    }

    private static PreprocessConfig config(SourceSpec source, String output, PreprocessConfig.Reads reads, boolean overwrite) {
        return PreprocessConfig.builder(source, output).newSpec(8, new PreprocessConfig.CropSpec(0.1, false,
                Interpolation.BILINEAR)).valFraction(0.0).seed(1).partitions(2).overwrite(overwrite).reads(reads).build();
    }

    /** Runs the CSV (written into the images root) into a fresh output. */
    private DatasetMetadata run(String csvText, PreprocessConfig.Reads reads) throws IOException {
        Path csv = csv(csvText);
        return PreprocessPipeline.run(spark, config(source(csv), runOutput(), reads, false), QUIET).metadata();
    }

    private String detail(DatasetMetadata m, int line) {
        return m.skipped().stream().filter(s -> s.location().endsWith(":" + line)).findFirst().orElseThrow().detail();
    }

    private static Map<String, SkipReason> reasons(DatasetMetadata m) {
        Map<String, SkipReason> reasons = new TreeMap<>();
        for (Skipped s : m.skipped()) {
            assertFalse(s.detail().isBlank(), "every skip explains itself: " + s);
            reasons.put(s.location(), s.reason());
        }
        return reasons;
    }

    /** The skips by CSV line, each with a detail; the written count; input == written + skipped, in shards too. */
    private void assertSkips(DatasetMetadata m, Map<Integer, SkipReason> expected, long written) {
        Map<Integer, SkipReason> actual = new TreeMap<>();
        reasons(m).forEach((location, reason) -> actual.put(Integer.parseInt(location.substring(location.indexOf(':') + 1)), reason));
        assertEquals(new TreeMap<>(expected), actual, "skips by line: " + m.skipped());
        assertEquals(written, m.counts().written());
        assertReconciles(m);
        assertEquals(written, spark.read().parquet(runOutput() + "/train").count(), "rows in the shards");
    }

    private static void assertReconciles(DatasetMetadata m) {
        assertEquals(m.counts().inputRecords(), m.counts().written() + m.counts().skipped(), "input == written + skipped");
        assertEquals(m.counts().skipped(), m.skipped().size());
    }

    private static List<String> listing(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            return s.map(x -> p.relativize(x).toString()).sorted().toList();
        }
    }

    private void assertNoStagingLeft() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<String> hidden = s.map(x -> x.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
            assertEquals(List.of(), hidden, "no staging or old directories left beside the outputs");
        }
    }
}
