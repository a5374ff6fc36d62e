package io.sparkinception.trainer.report;

import java.util.List;

/** A CSV table (RFC 4180: comma separated, quoted when needed, {@code \n} line ends) built row by row. */
public final class Csv {
    private final StringBuilder text = new StringBuilder();
    private final int columns;

    public Csv(String... header) {
        this.columns = header.length;
        line(List.of(header));
    }

    /** Appends a row; values are written with {@link String#valueOf}, so format numbers before. */
    public Csv row(Object... values) {
        if (values.length != columns) {
            throw new IllegalArgumentException("row has " + values.length + " values for " + columns + " columns");
        }
        String[] s = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            s[i] = String.valueOf(values[i]);
        }
        line(List.of(s));
        return this;
    }

    private void line(List<String> values) {
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                text.append(',');
            }
            text.append(quote(values.get(i)));
        }
        text.append('\n');
    }

    /** A field as written: quoted (with doubled quotes) when it holds a comma, quote or line break. */
    public static String quote(String v) {
        if (v.indexOf(',') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0 && v.indexOf('\r') < 0) {
            return v;
        }
        return '"' + v.replace("\"", "\"\"") + '"';
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
