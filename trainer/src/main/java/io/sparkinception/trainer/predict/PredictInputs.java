package io.sparkinception.trainer.predict;

import io.sparkinception.preprocessing.annotations.Annotation;
import io.sparkinception.preprocessing.annotations.ReadResult;
import io.sparkinception.preprocessing.annotations.SkipReason;
import io.sparkinception.preprocessing.annotations.Skipped;
import io.sparkinception.preprocessing.annotations.SourceSpec;
import io.sparkinception.common.HadoopFiles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * Driver-side: what to score. Annotated input is read with the preprocessing readers and checked like
 * {@code preprocess} checks it (inverted, zero-area and declared-outside boxes are skipped), but labels are not
 * required to be known: predict needs none. An image directory becomes one whole-image item per file.
 */
public final class PredictInputs {
    private PredictInputs() {
    }

    /**
     * @param tasks        the items grouped by image, in input order (an image's first item decides its place)
     * @param skipped      records skipped before reading any image
     * @param inputRecords annotation records (parsed or not), or files listed
     * @param annotated    whether the input is an annotation source (its labels are written when present)
     */
    public record Plan(List<PredictItem.ImageTask> tasks, List<PredictOutcome> skipped, long inputRecords,
                       boolean annotated) {
        public long items() {
            return tasks.stream().mapToLong(t -> t.items().size()).sum();
        }
    }

    /** The boxes of an annotation source (paths qualified, so executors resolve them alike). */
    public static Plan fromAnnotations(SourceSpec source, HadoopFiles files) throws IOException {
        SourceSpec q = new SourceSpec(source.format(), files.qualify(source.input()),
                source.imagesRoot().isEmpty() ? "" : files.qualify(source.imagesRoot()),
                source.classNames().isEmpty() ? "" : files.qualify(source.classNames()), source.csv(), source.vocOneBased());
        ReadResult read = q.reader().read(q, files);
        return plan(read);
    }

    /** Pure planning of what a reader found. */
    static Plan plan(ReadResult read) {
        Map<String, List<PredictItem>> byImage = new LinkedHashMap<>();
        List<PredictOutcome> skipped = new ArrayList<>();
        long seq = 0;
        for (Annotation a : read.annotations()) {
            long s = seq++;
            Skipped problem = check(a);
            if (problem != null) {
                skipped.add(PredictOutcome.skipped(s, a.imagePath(), problem));
                continue;
            }
            String label = a.label() == null || a.label().isBlank() ? null : a.label();
            byImage.computeIfAbsent(a.imagePath(), k -> new ArrayList<>())
                    .add(new PredictItem(s, a.imagePath(), a.id(), a.location(), a.box(), label));
        }
        for (Skipped s : read.skipped()) {
            skipped.add(PredictOutcome.skipped(seq++, "", s));
        }
        List<PredictItem.ImageTask> tasks = new ArrayList<>(byImage.size());
        byImage.forEach((path, items) -> tasks.add(new PredictItem.ImageTask(path, List.copyOf(items))));
        return new Plan(tasks, skipped, read.inputRecords(), true);
    }

    private static Skipped check(Annotation a) {
        if (a.box().inverted()) {
            return new Skipped(a.id(), a.location(), SkipReason.INVERTED_BOX, "box " + a.box() + " has x2 < x1 or y2 < y1");
        }
        if (a.box().degenerate()) {
            return new Skipped(a.id(), a.location(), SkipReason.ZERO_AREA_BOX, "box " + a.box() + " has zero width or height");
        }
        if (a.declaredWidth() > 0 && a.declaredHeight() > 0 && a.box().outside(a.declaredWidth(), a.declaredHeight())) {
            return new Skipped(a.id(), a.location(), SkipReason.BOX_OUTSIDE_IMAGE, "box " + a.box()
                    + " lies outside the declared " + a.declaredWidth() + "x" + a.declaredHeight() + " image");
        }
        return null;
    }

    /**
     * Every file below {@code dir} (recursively, sorted by path), each one whole-image item. Names starting with
     * {@code .} or {@code _} (hidden files, Hadoop's {@code _SUCCESS}) are not images and are not listed.
     */
    public static Plan fromDirectory(String dir, HadoopFiles files) throws IOException {
        String root = files.qualify(dir);
        if (!files.isDirectory(root)) {
            throw new IllegalArgumentException("images " + root + " is not a directory");
        }
        List<String> paths = new ArrayList<>();
        FileSystem fs = files.fileSystem(root);
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(new Path(root), true);
        while (it.hasNext()) {
            LocatedFileStatus st = it.next();
            if (!hidden(st.getPath().getName())) {
                paths.add(st.getPath().toString());
            }
        }
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("images " + root + " holds no files");
        }
        paths.sort(null);
        return plan(paths);
    }

    /** Pure planning of a sorted file list. */
    static Plan plan(List<String> paths) {
        List<PredictItem.ImageTask> tasks = new ArrayList<>(paths.size());
        for (int i = 0; i < paths.size(); i++) {
            String p = paths.get(i);
            tasks.add(new PredictItem.ImageTask(p, List.of(new PredictItem(i, p, p, p, null, null))));
        }
        return new Plan(tasks, List.of(), paths.size(), false);
    }

    static boolean hidden(String name) {
        return name.startsWith(".") || name.startsWith("_");
    }
}
