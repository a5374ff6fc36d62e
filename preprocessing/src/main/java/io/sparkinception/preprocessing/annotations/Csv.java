package io.sparkinception.preprocessing.annotations;

import io.sparkinception.common.CsvTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * CSV for the annotation readers: whole files through {@link CsvTable#parse} (quoted fields may hold the
 * delimiter, doubled quotes and line breaks), and a line splitter for one-line formats (class lists).
 */
public final class Csv {
    private Csv() {
    }

    /**
     * An annotation CSV as read: the header, the data records (fields trimmed; each with the line it starts on) and,
     * when a quote is never closed, a skip record for the rest of the file instead of one merged field.
     */
    public record Table(List<String> header, List<CsvTable.Record> rows, Optional<Skipped> unreadable) {
    }

    /**
     * Reads {@code text}; {@code fileName} prefixes locations ({@code name:line}).
     *
     * @throws IllegalArgumentException when there is no header record (an empty file, or a header whose quote never
     *                                  closes), naming {@code file}
     */
    public static Table read(String text, char delimiter, String file, String fileName) {
        CsvTable.Parsed parsed = CsvTable.parse(text, delimiter);
        List<CsvTable.Record> records = new ArrayList<>();
        for (CsvTable.Record r : parsed.records()) {
            records.add(new CsvTable.Record(r.line(), r.fields().stream().map(String::trim).toList()));
        }
        if (records.isEmpty()) {
            throw new IllegalArgumentException(file + ": " + parsed.problem().map(CsvTable.Problem::message)
                    .orElse("empty file") + ", expected a header row");
        }
        Optional<Skipped> unreadable = parsed.problem().map(p -> {
            String location = fileName + ":" + p.line();
            return new Skipped(location, location, SkipReason.MALFORMED_RECORD, p.message());
        });
        return new Table(records.get(0).fields(), records.subList(1, records.size()), unreadable);
    }

    /** Splits text into lines (LF or CRLF), dropping a trailing empty line and a UTF-8 byte-order mark. */
    public static List<String> lines(String text) {
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<String> out = new ArrayList<>(List.of(text.split("\r?\n", -1)));
        while (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
            out.remove(out.size() - 1);
        }
        return out;
    }

    /** Splits one line (no line breaks inside quotes; for whole files use {@link #read}). */
    public static List<String> split(String line, char delimiter) {
        List<String> fields = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cur.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cur.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == delimiter) {
                fields.add(cur.toString().trim());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        fields.add(cur.toString().trim());
        return fields;
    }

    /** The index of a header column, or an exception naming the file and the columns it has. */
    public static int column(List<String> header, String name, String file) {
        int i = header.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException(file + ": no column '" + name + "' in header " + header);
        }
        return i;
    }
}
