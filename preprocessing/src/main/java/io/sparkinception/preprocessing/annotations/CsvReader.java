package io.sparkinception.preprocessing.annotations;

import io.sparkinception.preprocessing.image.Box;
import io.sparkinception.common.CsvTable;
import io.sparkinception.common.HadoopFiles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A generic CSV: one row per box ({@code path,label,xmin,ymin,xmax,ymax} by default, names configurable),
 * several rows per image allowed, inclusive 0-based coordinates. Optional columns: a split
 * ({@code train|val|test}) and a group (records of a group share a split; default: the image path).
 */
public final class CsvReader implements AnnotationReader {

    @Override
    public ReadResult read(SourceSpec spec, HadoopFiles files) throws IOException {
        String csvPath = spec.input();
        SourceSpec.CsvColumns c = spec.csv();
        String root = spec.imagesRoot().isEmpty() ? GtsrbReader.parent(csvPath) : spec.imagesRoot();
        String fileName = GtsrbReader.name(csvPath);
        Csv.Table table = Csv.read(files.readText(csvPath), c.delimiter(), csvPath, fileName);
        List<String> header = table.header();
        int path = Csv.column(header, c.path(), csvPath);
        int label = Csv.column(header, c.label(), csvPath);
        int x1 = Csv.column(header, c.xmin(), csvPath);
        int y1 = Csv.column(header, c.ymin(), csvPath);
        int x2 = Csv.column(header, c.xmax(), csvPath);
        int y2 = Csv.column(header, c.ymax(), csvPath);
        int split = c.split().isEmpty() ? -1 : Csv.column(header, c.split(), csvPath);
        int group = c.group().isEmpty() ? -1 : Csv.column(header, c.group(), csvPath);
        Map<String, Integer> perImage = new HashMap<>();
        List<Annotation> annotations = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        for (CsvTable.Record row : table.rows()) {
            String location = fileName + ":" + row.line();
            List<String> f = row.fields();
            try {
                if (f.size() < header.size()) {
                    throw new IllegalArgumentException("expected " + header.size() + " fields, got " + f.size());
                }
                String p = f.get(path);
                if (p.isEmpty()) {
                    throw new IllegalArgumentException("empty " + c.path());
                }
                Box box = new Box(parseCoordinate(f.get(x1)), parseCoordinate(f.get(y1)),
                        parseCoordinate(f.get(x2)), parseCoordinate(f.get(y2)));
                Split s = split < 0 || f.get(split).isEmpty() ? null : Split.of(f.get(split));
                String g = group < 0 || f.get(group).isEmpty() ? p : f.get(group);
                int k = perImage.merge(p, 1, Integer::sum) - 1;
                annotations.add(new Annotation(p + "#" + k, location, p, HadoopFiles.resolve(root, p), f.get(label),
                        box, g, s, -1, -1));
            } catch (IllegalArgumentException e) {
                skipped.add(new Skipped(location, location, SkipReason.MALFORMED_RECORD, e.getMessage()));
            }
        }
        table.unreadable().ifPresent(skipped::add);
        List<ClassInfo> classes = spec.classNames().isEmpty() ? List.of()
                : ClassNames.parse(files.readText(spec.classNames()), spec.classNames());
        return new ReadResult(annotations, skipped, classes);
    }

    /**
     * Integer pixel coordinates; "12.0" is accepted, "12.5" is not (boxes are whole pixels), and neither is a value
     * outside the int range ("1e10", "99999999999999999999"), which a cast would silently cap.
     */
    static int parseCoordinate(String s) {
        double v;
        try {
            v = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("coordinate '" + s + "' is not a number");
        }
        if (v != Math.rint(v) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("coordinate '" + s + "' is not a whole pixel");
        }
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("coordinate '" + s + "' is outside the int range");
        }
        return (int) v;
    }
}
