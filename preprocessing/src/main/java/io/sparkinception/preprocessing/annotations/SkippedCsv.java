package io.sparkinception.preprocessing.annotations;

import io.sparkinception.common.CsvTable;
import java.util.List;

/**
 * {@code skipped.csv}, one layout for {@code preprocess} and {@code predict}: {@code path,id,location,reason,detail}.
 * {@code path} is the image path as the input names it when the record got that far ({@code predict}); it is empty
 * when the record was not resolved to an image, and always in {@code preprocess} output (its {@code id} and
 * {@code location} name the record). {@code reason} is a {@link SkipReason} id.
 */
public final class SkippedCsv {
    public static final List<String> HEADER = List.of("path", "id", "location", "reason", "detail");

    private SkippedCsv() {
    }

    /** A skipped record and the image path it refers to ({@code null} or empty when there is none). */
    public record Row(String path, Skipped skipped) {
    }

    public static String render(List<Row> rows) {
        CsvTable csv = new CsvTable(HEADER);
        for (Row r : rows) {
            Skipped s = r.skipped();
            csv.row(r.path(), s.id(), s.location(), s.reason().id(), s.detail());
        }
        return csv.toString();
    }

    /** {@code preprocess}'s table: its records carry no image path. */
    public static String withoutPaths(List<Skipped> skipped) {
        return render(skipped.stream().map(s -> new Row(null, s)).toList());
    }
}
