package io.sparkinception.preprocessing.annotations;

import io.sparkinception.preprocessing.image.Box;
import io.sparkinception.common.CsvTable;
import io.sparkinception.common.HadoopFiles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GTSRB's CSV: {@code Width,Height,Roi.X1,Roi.Y1,Roi.X2,Roi.Y2,ClassId,Path}, one box per image, inclusive
 * coordinates, Path relative to the images root (default: the CSV's folder). The class index is the ClassId.
 * Training file names are {@code CLASS_TRACK_FRAME.png}; the frames of one track form a group, so a track
 * never straddles two splits.
 */
public final class GtsrbReader implements AnnotationReader {
    static final String[] COLUMNS = {"Width", "Height", "Roi.X1", "Roi.Y1", "Roi.X2", "Roi.Y2", "ClassId", "Path"};
    private static final Pattern TRACK = Pattern.compile("(\\d+)_(\\d+)_\\d+\\.\\w+$");

    @Override
    public ReadResult read(SourceSpec spec, HadoopFiles files) throws IOException {
        String csvPath = spec.input();
        String root = spec.imagesRoot().isEmpty() ? parent(csvPath) : spec.imagesRoot();
        String text = files.readText(csvPath);
        if (text.isBlank()) {
            throw new IllegalArgumentException(csvPath + ": empty file, expected a header " + String.join(",", COLUMNS));
        }
        Csv.Table table = Csv.read(text, ',', csvPath, name(csvPath));
        List<String> header = table.header();
        int[] col = new int[COLUMNS.length];
        for (int i = 0; i < COLUMNS.length; i++) {
            col[i] = Csv.column(header, COLUMNS[i], csvPath);
        }
        String fileName = name(csvPath);
        List<Annotation> annotations = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        for (CsvTable.Record row : table.rows()) {
            String location = fileName + ":" + row.line();
            List<String> f = row.fields();
            try {
                if (f.size() < header.size()) {
                    throw new IllegalArgumentException("expected " + header.size() + " fields, got " + f.size());
                }
                int width = Integer.parseInt(f.get(col[0]));
                int height = Integer.parseInt(f.get(col[1]));
                Box box = new Box(Integer.parseInt(f.get(col[2])), Integer.parseInt(f.get(col[3])),
                        Integer.parseInt(f.get(col[4])), Integer.parseInt(f.get(col[5])));
                String label = f.get(col[6]);
                String path = f.get(col[7]);
                if (path.isEmpty()) {
                    throw new IllegalArgumentException("empty Path");
                }
                annotations.add(new Annotation(path, location, path, HadoopFiles.resolve(root, path), label, box,
                        group(path), null, width, height));
            } catch (IllegalArgumentException e) {
                skipped.add(new Skipped(location, location, SkipReason.MALFORMED_RECORD, e.getMessage()));
            }
        }
        table.unreadable().ifPresent(skipped::add);
        List<ClassInfo> classes = spec.classNames().isEmpty() ? List.of()
                : ClassNames.parse(files.readText(spec.classNames()), spec.classNames());
        for (ClassInfo c : classes) {
            if (!c.label().equals(Integer.toString(c.index()))) {
                throw new IllegalArgumentException(spec.classNames() + ": GTSRB class ids must be 0, 1, 2, ... in order; row "
                        + (c.index() + 2) + " has id '" + c.label() + "'");
            }
        }
        return new ReadResult(annotations, skipped, classes);
    }

    /** The track ({@code CLASS_TRACK}) of a training file, or the path itself for test files. */
    static String group(String path) {
        Matcher m = TRACK.matcher(path);
        return m.find() ? m.group(1) + "_" + m.group(2) : path;
    }

    static String parent(String path) {
        int i = path.lastIndexOf('/');
        return i < 0 ? "." : path.substring(0, i);
    }

    static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
