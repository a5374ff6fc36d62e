package io.sparkinception.preprocessing.annotations;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkinception.common.CsvTable;
import java.util.List;
import org.junit.jupiter.api.Test;

class SkippedCsvTest {
    private static final Skipped MALFORMED = new Skipped("boxes.csv:4", "boxes.csv:4", SkipReason.MALFORMED_RECORD,
            "coordinate 'x,\"1\"' is not a number");
    private static final Skipped CORRUPT = new Skipped("a#0", "t.csv:2", SkipReason.CORRUPT_IMAGE,
            "not a recognised image format:\nline two");

    @Test
    void preprocessAndPredictShareOneLayout() {
        String preprocess = SkippedCsv.withoutPaths(List.of(MALFORMED));
        String predict = SkippedCsv.render(List.of(new SkippedCsv.Row("file:/i/a, b.png", CORRUPT)));
        assertEquals("path,id,location,reason,detail\n,boxes.csv:4,boxes.csv:4,malformed_record,"
                + "\"coordinate 'x,\"\"1\"\"' is not a number\"\n", preprocess);
        assertEquals("path,id,location,reason,detail\n\"file:/i/a, b.png\",a#0,t.csv:2,corrupt_image,"
                + "\"not a recognised image format:\nline two\"\n", predict);
    }

    @Test
    void everyFieldReadsBackWhateverItHolds() {
        List<CsvTable.Record> rows = CsvTable.parse(SkippedCsv.render(List.of(new SkippedCsv.Row(null, MALFORMED),
                new SkippedCsv.Row("file:/i/a, b.png", CORRUPT))), ',').records();
        assertEquals(SkippedCsv.HEADER, rows.get(0).fields());
        assertEquals(List.of("", "boxes.csv:4", "boxes.csv:4", "malformed_record", MALFORMED.detail()), rows.get(1).fields());
        assertEquals(List.of("file:/i/a, b.png", "a#0", "t.csv:2", "corrupt_image", CORRUPT.detail()), rows.get(2).fields());
    }
}
