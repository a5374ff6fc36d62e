package io.sparkinception.preprocessing.annotations;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Parses class-list files: an {@code id,name} CSV with a header, or one name per line. */
public final class ClassNames {
    private ClassNames() {
    }

    public static List<ClassInfo> parse(String text, String file) {
        List<String> lines = Csv.lines(text).stream().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty()) {
            throw new IllegalArgumentException(file + ": class list is empty");
        }
        List<ClassInfo> out = new ArrayList<>();
        boolean twoColumns = Csv.split(lines.get(0), ',').size() >= 2;
        Set<String> seen = new HashSet<>();
        for (int i = twoColumns ? 1 : 0; i < lines.size(); i++) {
            String label;
            String name;
            if (twoColumns) {
                List<String> f = Csv.split(lines.get(i), ',');
                if (f.size() < 2 || f.get(0).isEmpty()) {
                    throw new IllegalArgumentException(file + ":" + (i + 1) + ": expected 'id,name', got '" + lines.get(i) + "'");
                }
                label = f.get(0);
                name = f.get(1);
            } else {
                label = lines.get(i).trim();
                name = label;
            }
            if (!seen.add(label)) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": class '" + label + "' listed twice");
            }
            out.add(new ClassInfo(out.size(), label, name));
        }
        return out;
    }
}
