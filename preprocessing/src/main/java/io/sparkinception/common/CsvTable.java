package io.sparkinception.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The one CSV layer of the project, on jackson-dataformat-csv. Writes RFC 4180: comma separated, {@code \n} line
 * ends, a field quoted (quotes doubled) exactly when it holds a comma, a quote, CR or LF. Reads RFC 4180 with any
 * one-character delimiter: quoted fields may hold delimiters, doubled quotes and line breaks ({@code \n} or
 * {@code \r\n}, kept as written).
 *
 * <p>Build a table row by row ({@code new CsvTable("a", "b").row(1, "x").toString()}), or render single lines with
 * {@link #line} when streaming. Values are written with {@link String#valueOf}, {@code null} as an empty field, so
 * format numbers before.
 */
public final class CsvTable {
    private static final CsvMapper CSV = CsvMapper.builder()
            .enable(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING)
            .enable(CsvParser.Feature.WRAP_AS_ARRAY)
            .build();
    private static final ObjectWriter LINE = CSV.writerFor(String[].class)
            .with(CsvSchema.emptySchema().withColumnSeparator(',').withQuoteChar('"').withLineSeparator("\n"));

    private final StringBuilder text = new StringBuilder();
    private final int columns;

    public CsvTable(String... header) {
        this(List.of(header));
    }

    public CsvTable(List<String> header) {
        this.columns = header.size();
        text.append(line(header));
    }

    /** Appends a row of exactly as many values as the header has columns. */
    public CsvTable row(Object... values) {
        if (values.length != columns) {
            throw new IllegalArgumentException("row has " + values.length + " values for " + columns + " columns");
        }
        text.append(line(Arrays.asList(values)));
        return this;
    }

    /** The table: the header line, then one line per row, each ending in {@code \n}. */
    @Override
    public String toString() {
        return text.toString();
    }

    /** One CSV line ending in {@code \n}. */
    public static String line(List<?> values) {
        String[] cells = new String[values.size()];
        for (int i = 0; i < cells.length; i++) {
            Object v = values.get(i);
            cells[i] = v == null ? "" : String.valueOf(v);
        }
        try {
            return LINE.writeValueAsString(cells);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render a CSV line: " + e.getMessage(), e);
        }
    }

    /** A record as read: the line it starts on (1-based) and its fields, unquoted. */
    public record Record(int line, List<String> fields) {
        public Record {
            fields = List.copyOf(fields);
        }
    }

    /** Why reading stopped early: the line of the record that could not be read, and a message. */
    public record Problem(int line, String message) {
    }

    /**
     * The records of a text, and the problem that ended reading early, if any (an unterminated quote: the records
     * before it are kept, the rest of the text is not read rather than merged into one field).
     */
    public record Parsed(List<Record> records, Optional<Problem> problem) {
        public Parsed {
            records = List.copyOf(records);
        }
    }

    /**
     * Reads {@code text} (a leading UTF-8 byte-order mark is dropped; so are blank lines, those without a delimiter). Never throws for a
     * malformed text: see {@link Parsed#problem()}.
     */
    public static Parsed parse(String text, char delimiter) {
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        CsvSchema schema = CsvSchema.emptySchema().withColumnSeparator(delimiter).withQuoteChar('"');
        List<Record> records = new ArrayList<>();
        int start = 1;
        try (CsvParser p = (CsvParser) CSV.getFactory().createParser(text)) {
            p.setSchema(schema);
            List<String> fields = null;
            int depth = 0;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.START_ARRAY && ++depth == 2) {
                    fields = new ArrayList<>();
                } else if (t == JsonToken.VALUE_STRING && fields != null) {
                    fields.add(p.getText());
                } else if (t == JsonToken.END_ARRAY && depth-- == 2) {
                    if (fields.size() > 1 || (fields.size() == 1 && !fields.get(0).isBlank())) {
                        records.add(new Record(start, fields));
                    }
                    fields = null;
                    start = p.currentLocation().getLineNr();
                }
            }
        } catch (IOException e) {
            String why = e.getMessage() != null && e.getMessage().startsWith("Missing closing quote")
                    ? "a quoted field opened in the record starting on line " + start
                            + " is not closed before the end of the text; the rest of the text is not read"
                    : "unreadable CSV from line " + start + ": " + e.getMessage();
            return new Parsed(records, Optional.of(new Problem(start, why)));
        }
        return new Parsed(records, Optional.empty());
    }
}
