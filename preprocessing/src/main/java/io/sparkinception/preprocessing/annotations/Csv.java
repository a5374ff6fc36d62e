package io.sparkinception.preprocessing.annotations;

import java.util.ArrayList;
import java.util.List;

/** A small RFC 4180 CSV line splitter: quoted fields may hold the delimiter and doubled quotes. */
public final class Csv {
    private Csv() {
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
