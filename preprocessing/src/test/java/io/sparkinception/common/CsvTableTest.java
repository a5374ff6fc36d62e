package io.sparkinception.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.common.CsvTable.Parsed;
import io.sparkinception.common.CsvTable.Record;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvTableTest {

    @Test
    void quotesExactlyTheFieldsThatNeedIt() {
        String csv = new CsvTable("a", "b", "c", "d", "e", "f", "g")
                .row("plain", "x,y", "say \"hi\"", "cr\rhere", "lf\nhere", null,
                        "a long field of more than twenty-four characters, no: of many words without specials".replace(",", ""))
                .toString();
        assertEquals("a,b,c,d,e,f,g\n"
                + "plain,\"x,y\",\"say \"\"hi\"\"\",\"cr\rhere\",\"lf\nhere\",,"
                + "a long field of more than twenty-four characters no: of many words without specials\n", csv);
    }

    @Test
    void numbersAreWrittenAsGiven() {
        assertEquals("1,0.25,true\n", CsvTable.line(List.of(1, 0.25, true)));
    }

    @Test
    void rowsMustMatchTheHeader() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CsvTable("a", "b").row(1));
        assertEquals("row has 1 values for 2 columns", e.getMessage());
    }

    @Test
    void whatIsWrittenReadsBack() {
        List<String> hostile = List.of("x,y", "q\"\"q", "two\nlines", "crlf\r\nend", "", " spaced ");
        Parsed p = CsvTable.parse(new CsvTable("h1", "h2", "h3", "h4", "h5", "h6").row(hostile.toArray()).toString(), ',');
        assertEquals(List.of(new Record(1, List.of("h1", "h2", "h3", "h4", "h5", "h6")), new Record(2, hostile)),
                p.records());
        assertTrue(p.problem().isEmpty());
    }

    @Test
    void recordsSpanLinesAndKeepTheLineTheyStartOn() {
        String text = "\uFEFFpath;label\r\n\"a\nb.png\";1\r\n\r\n\"c\r\nd;e\";\"say \"\"x\"\"\"\r\nf.png;3\r\n";
        Parsed p = CsvTable.parse(text, ';');
        assertEquals(List.of(new Record(1, List.of("path", "label")), new Record(2, List.of("a\nb.png", "1")),
                new Record(5, List.of("c\r\nd;e", "say \"x\"")), new Record(7, List.of("f.png", "3"))), p.records());
        assertTrue(p.problem().isEmpty());
    }

    @Test
    void anUnterminatedQuoteStopsReadingWithTheLineItOpenedOn() {
        Parsed p = CsvTable.parse("a,b\n1,2\n3,\"open\n4,5\n6,7\n", ',');
        assertEquals(List.of(new Record(1, List.of("a", "b")), new Record(2, List.of("1", "2"))), p.records(),
                "the records before the open quote are kept; the rest is not merged into one field");
        assertEquals(3, p.problem().orElseThrow().line());
        assertTrue(p.problem().orElseThrow().message().contains("not closed"), p.problem().toString());
    }

    @Test
    void aRecordMayBeShorterOrLongerThanTheHeader() {
        assertEquals(List.of(List.of("a", "b"), List.of("1"), List.of("1", "2", "3")),
                CsvTable.parse("a,b\n1\n1,2,3", ',').records().stream().map(Record::fields).toList());
        assertEquals(Arrays.asList("", "", ""), CsvTable.parse(",,\n", ',').records().get(0).fields());
    }
}
