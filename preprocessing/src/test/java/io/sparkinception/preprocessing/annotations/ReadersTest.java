package io.sparkinception.preprocessing.annotations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.preprocessing.image.Box;
import io.sparkinception.common.HadoopFiles;
import io.sparkinception.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadersTest {
    private final HadoopFiles files = HadoopFiles.local();

    @TempDir
    Path dir;

    private SourceSpec spec(SourceSpec.Format format, Path input) {
        return new SourceSpec(format, input.toString(), "", "", SourceSpec.CsvColumns.DEFAULT, true);
    }

    @Test
    void gtsrbRowsBecomeAnnotationsWithTrackGroups() throws Exception {
        Path csv = Files.writeString(dir.resolve("Train.csv"), """
                Width,Height,Roi.X1,Roi.Y1,Roi.X2,Roi.Y2,ClassId,Path
                30,32,5,6,25,26,0,Train/0/00000_00003_00004.png
                41,42,5,6,36,x,0,Train/0/00000_00003_00014.png
                41,42,5,6,36,37
                """);
        ReadResult r = new GtsrbReader().read(spec(SourceSpec.Format.GTSRB, csv), files);
        assertEquals(3, r.inputRecords());
        assertEquals(1, r.annotations().size());
        Annotation a = r.annotations().get(0);
        assertEquals("Train/0/00000_00003_00004.png", a.id());
        assertEquals(dir + "/Train/0/00000_00003_00004.png", a.imagePath());
        assertEquals(new Box(5, 6, 25, 26), a.box());
        assertEquals("00000_00003", a.group());
        assertEquals(30, a.declaredWidth());
        assertNull(a.sourceSplit());
        assertEquals(2, r.skipped().size());
        assertTrue(r.skipped().stream().allMatch(s -> s.reason() == SkipReason.MALFORMED_RECORD));
        assertEquals("Train.csv:3", r.skipped().get(0).location());
    }

    @Test
    void gtsrbMissingColumnIsAnErrorNamingIt() throws Exception {
        Path csv = Files.writeString(dir.resolve("bad.csv"), "Width,Height,ClassId,Path\n1,2,3,a.png\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GtsrbReader().read(spec(SourceSpec.Format.GTSRB, csv), files));
        assertTrue(e.getMessage().contains("no column 'Roi.X1'"), e.getMessage());
    }

    @Tag("e2e") // shared GTSRB data
    @Test
    void gtsrbSignNamesBecomeClassNames() throws Exception {
        Path csv = SharedData.data("gtsrb/Train.csv");
        SourceSpec s = new SourceSpec(SourceSpec.Format.GTSRB, csv.toString(), "",
                SharedData.data("gtsrb/signnames.csv").toString(), null, true);
        ReadResult r = new GtsrbReader().read(s, files);
        assertEquals(3921, r.annotations().size());
        assertEquals(43, r.sourceClasses().size());
        assertEquals(new ClassInfo(14, "14", "Stop"), r.sourceClasses().get(14));
    }

    @Test
    void csvReaderHandlesSeveralBoxesPerImageQuotesSplitsAndGroups() throws Exception {
        Path csv = Files.writeString(dir.resolve("boxes.csv"), """
                file,cls,x0,y0,x1,y1,part,seq
                img/a.png,cat,1,2,3,4,train,s1
                img/a.png,"dog, big",5,6,7.0,8,val,s1
                img/b.png,cat,1,2,3,4,,
                img/c.png,cat,1,2,3.5,4,,
                img/d.png,cat,1,2,3,4,holdout,
                """);
        SourceSpec.CsvColumns cols = new SourceSpec.CsvColumns("file", "cls", "x0", "y0", "x1", "y1", "part", "seq", ',');
        SourceSpec s = new SourceSpec(SourceSpec.Format.CSV, csv.toString(), "/data/root", "", cols, true);
        ReadResult r = new CsvReader().read(s, files);
        assertEquals(5, r.inputRecords());
        assertEquals(List.of("img/a.png#0", "img/a.png#1", "img/b.png#0"), r.annotations().stream().map(Annotation::id).toList());
        assertEquals("dog, big", r.annotations().get(1).label());
        assertEquals(Split.VAL, r.annotations().get(1).sourceSplit());
        assertEquals("s1", r.annotations().get(1).group());
        assertEquals("img/b.png", r.annotations().get(2).group());
        assertEquals("/data/root/img/a.png", r.annotations().get(0).imagePath());
        assertEquals(2, r.skipped().size());
        assertTrue(r.skipped().get(0).detail().contains("not a whole pixel"), r.skipped().get(0).detail());
        assertTrue(r.skipped().get(1).detail().contains("unknown split 'holdout'"), r.skipped().get(1).detail());
    }

    private ReadResult readCsv(String text) throws Exception {
        Path csv = Files.writeString(dir.resolve("boxes.csv"), text);
        return new CsvReader().read(new SourceSpec(SourceSpec.Format.CSV, csv.toString(), "/r", "",
                SourceSpec.CsvColumns.DEFAULT, true), files);
    }

    @Test
    void csvQuotedFieldsMayHoldLineFeeds() throws Exception {
        ReadResult r = readCsv("path,label,xmin,ymin,xmax,ymax\na.png,\"two\nlines\",1,2,3,4\nb.png,cat,1,2,3,x\n");
        assertEquals(List.of("two\nlines"), r.annotations().stream().map(Annotation::label).toList());
        assertEquals("boxes.csv:2", r.annotations().get(0).location());
        assertEquals("boxes.csv:4", r.skipped().get(0).location(), "lines count from the file, not from records");
    }

    @Test
    void csvQuotedFieldsMayHoldCrLf() throws Exception {
        ReadResult r = readCsv("path,label,xmin,ymin,xmax,ymax\r\n\"dir\r\na.png\",cat,1,2,3,4\r\nb.png,dog,1,2,3,4\r\n");
        assertEquals(List.of("dir\r\na.png", "b.png"), r.annotations().stream().map(Annotation::sourcePath).toList());
        assertEquals("boxes.csv:4", r.annotations().get(1).location());
        assertEquals(0, r.skipped().size());
    }

    @Test
    void csvQuotedFieldsMayHoldCommasAndDoubledQuotes() throws Exception {
        ReadResult r = readCsv("path,label,xmin,ymin,xmax,ymax\n\"a,b.png\",\"say \"\"hi\"\", ok\",1,2,3,4\n");
        assertEquals("a,b.png", r.annotations().get(0).sourcePath());
        assertEquals("say \"hi\", ok", r.annotations().get(0).label());
    }

    @Test
    void csvUnterminatedQuoteIsASkipNotAMergeOfTheRest() throws Exception {
        ReadResult r = readCsv("path,label,xmin,ymin,xmax,ymax\na.png,cat,1,2,3,4\nb.png,\"open,1,2,3,4\n"
                + "c.png,cat,1,2,3,4\nd.png,cat,1,2,3,4\n");
        assertEquals(List.of("a.png"), r.annotations().stream().map(Annotation::sourcePath).toList());
        assertEquals(1, r.skipped().size());
        Skipped s = r.skipped().get(0);
        assertEquals(SkipReason.MALFORMED_RECORD, s.reason());
        assertEquals("boxes.csv:3", s.location(), "the line the quote opens on");
        assertTrue(s.detail().contains("not closed") && s.detail().contains("line 3"), s.detail());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> readCsv("path,\"label,xmin\nx,y\n"));
        assertTrue(e.getMessage().contains("not closed") && e.getMessage().contains("expected a header row"), e.getMessage());
    }

    @Tag("e2e") // shared BCCD data
    @Test
    void vocReaderConvertsOneBasedBoxesAndUsesImageSets() throws Exception {
        Path root = SharedData.data("bccd/BCCD");
        ReadResult r = new VocReader().read(spec(SourceSpec.Format.VOC, root), files);
        assertEquals(4888, r.inputRecords());
        assertEquals(0, r.skipped().size());
        Annotation first = r.annotations().get(0);
        // BloodImage_00000.xml: first object WBC with bndbox 260,177,491,376 (1-based).
        assertEquals("BloodImage_00000.jpg#0", first.id());
        assertEquals("WBC", first.label());
        assertEquals(new Box(259, 176, 490, 375), first.box());
        assertEquals("BloodImage_00000", first.group());
        assertEquals(640, first.declaredWidth());
        long splits = r.annotations().stream().map(Annotation::sourceSplit).distinct().count();
        assertEquals(3, splits, "train, val and test from ImageSets/Main");
    }

    @Test
    void vocReaderSkipsUnparseableXmlAndObjectsWithoutBoxes() throws Exception {
        Path root = dir.resolve("voc");
        Files.createDirectories(root.resolve("Annotations"));
        Files.writeString(root.resolve("Annotations/a.xml"), "<annotation><filename>a.jpg</filename>"
                + "<object><name>x</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>5</xmax><ymax>5</ymax></bndbox></object>"
                + "<object><name>y</name></object></annotation>");
        Files.writeString(root.resolve("Annotations/b.xml"), "<annotation><filename>b.jpg");
        ReadResult r = new VocReader().read(spec(SourceSpec.Format.VOC, root), files);
        assertEquals(3, r.inputRecords());
        assertEquals(1, r.annotations().size());
        assertEquals(new Box(0, 0, 4, 4), r.annotations().get(0).box());
        assertEquals(List.of("a.jpg#1", "b.xml"), r.skipped().stream().map(Skipped::id).toList());
        assertTrue(r.skipped().get(0).detail().contains("no <bndbox>"));
    }

    @Test
    void notAVocDirectoryIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new VocReader().read(spec(SourceSpec.Format.VOC, dir), files));
        assertTrue(e.getMessage().contains("no Annotations/ folder"), e.getMessage());
    }

    @Test
    void classNamesFilesOfBothShapes() {
        assertEquals(List.of(new ClassInfo(0, "a", "a"), new ClassInfo(1, "b", "b")), ClassNames.parse("a\nb\n", "f"));
        assertEquals(List.of(new ClassInfo(0, "7", "Seven")), ClassNames.parse("id,name\n7,Seven\n", "f"));
        assertThrows(IllegalArgumentException.class, () -> ClassNames.parse("a\na\n", "f"));
    }
}
