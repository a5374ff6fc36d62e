package io.sparkinception.preprocessing.annotations;

import java.io.Serializable;
import java.util.Locale;

/**
 * Where the annotations and images are and how to read them.
 *
 * @param format      gtsrb, csv or voc
 * @param input       the annotation file (gtsrb, csv) or the VOC root directory (voc); any Hadoop FS path
 * @param imagesRoot  image paths are relative to this; empty for the default (the CSV's folder; VOC's JPEGImages)
 * @param classNames  optional class list file: {@code id,name} CSV with a header (GTSRB's signnames.csv) or one
 *                    name per line; empty for none
 * @param csv         column names of the generic csv format
 * @param vocOneBased Pascal VOC's coordinates are 1-based (the official devkit's convention); subtract 1
 */
public record SourceSpec(Format format, String input, String imagesRoot, String classNames, CsvColumns csv,
                         boolean vocOneBased) implements Serializable {

    public SourceSpec {
        if (format == null) {
            throw new IllegalArgumentException("format is required (gtsrb, csv or voc)");
        }
        if (input == null || input.isBlank()) {
            throw new IllegalArgumentException("input is required: the annotation file (gtsrb, csv) or VOC directory (voc)");
        }
        imagesRoot = imagesRoot == null ? "" : imagesRoot;
        classNames = classNames == null ? "" : classNames;
        csv = csv == null ? CsvColumns.DEFAULT : csv;
    }

    /** Input annotation formats. */
    public enum Format {
        GTSRB, CSV, VOC;

        public static Format of(String name) {
            try {
                return valueOf(name.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown format '" + name + "' (known: gtsrb, csv, voc)");
            }
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Column names of the generic csv format; split and group are optional (empty: absent). */
    public record CsvColumns(String path, String label, String xmin, String ymin, String xmax, String ymax,
                             String split, String group, char delimiter) implements Serializable {
        public static final CsvColumns DEFAULT =
                new CsvColumns("path", "label", "xmin", "ymin", "xmax", "ymax", "", "", ',');
    }

    /** The same source with every path fully qualified (executors resolve relative paths against their own directories). */
    public SourceSpec qualified(io.sparkinception.common.HadoopFiles files) {
        return new SourceSpec(format, files.qualify(input), imagesRoot.isEmpty() ? "" : files.qualify(imagesRoot),
                classNames.isEmpty() ? "" : files.qualify(classNames), csv, vocOneBased);
    }

    /**
     * The directory image reads are confined to: {@code imagesRoot} when set, else the annotation CSV's folder
     * (gtsrb, csv) or the VOC root directory (voc).
     */
    public String confinementRoot() {
        if (!imagesRoot.isEmpty()) {
            return imagesRoot;
        }
        return format == Format.VOC ? (input.endsWith("/") && input.length() > 1 ? input.substring(0, input.length() - 1) : input)
                : GtsrbReader.parent(input);
    }

    /** The reader for this format. */
    public AnnotationReader reader() {
        return switch (format) {
            case GTSRB -> new GtsrbReader();
            case CSV -> new CsvReader();
            case VOC -> new VocReader();
        };
    }
}
