package io.sparkinception.common;

import io.sparkinception.common.HadoopFiles;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The output directories of {@code train}, {@code ensemble}, {@code evaluate} and {@code predict}: the project
 * never deletes or overwrites what it did not write. A directory that exists, is not empty and holds none of the
 * command's own files is refused before any work. A replacement ({@code --overwrite}) is written to a sibling
 * staging directory and swapped in only after it succeeded ({@link Staging}), so a failing rerun leaves the old
 * result as it was.
 */
public final class OutputDirectory {
    private OutputDirectory() {
    }

    /** A command's output and the files that mark it as one of that command's. */
    public enum Kind {
        /** Checkpoints and metrics appear during training, summary.json at its end. */
        TRAIN("train", "--output", List.of("summary.json", "metrics.jsonl", "checkpoints", "train.conf"), "summary.json"),
        /** ensemble.conf is written first (it makes a rerun resume), ensemble.json last. */
        ENSEMBLE("ensemble", "--output", List.of("ensemble.json", "ensemble.conf"), "ensemble.json"),
        EVALUATE("evaluate", "--report", List.of("report.json"), "report.json"),
        /** Its four outputs; predict.json is written last. */
        PREDICT("predict", "--output", List.of("predict.json", "predictions", "predictions.csv", "skipped.csv"), "predict.json");

        private final String command;
        private final String flag;
        private final List<String> markers;
        private final String finished;

        Kind(String command, String flag, List<String> markers, String finished) {
            this.command = command;
            this.flag = flag;
            this.markers = markers;
            this.finished = finished;
        }

        public List<String> markers() {
            return markers;
        }
    }

    /** What is at an output path. */
    public enum State {
        /** Nothing, or an empty directory. */
        EMPTY,
        /** An earlier, unfinished run of the same command (some of its files, not its last one). */
        UNFINISHED,
        /** A finished run of the same command. */
        FINISHED,
        /** Something the command did not write: refused. */
        FOREIGN
    }

    /** Classifies an output path. */
    public static State state(HadoopFiles files, String dir, Kind kind) {
        FileSystem fs = files.fileSystem(dir);
        Path p = new Path(dir);
        try {
            FileStatus st;
            try {
                st = fs.getFileStatus(p);
            } catch (FileNotFoundException e) {
                return State.EMPTY;
            }
            if (!st.isDirectory()) {
                return State.FOREIGN;
            }
            FileStatus[] children = fs.listStatus(p);
            if (children.length == 0) {
                return State.EMPTY;
            }
            if (fs.exists(new Path(p, kind.finished))) {
                return State.FINISHED;
            }
            for (String m : kind.markers) {
                if (fs.exists(new Path(p, m))) {
                    return State.UNFINISHED;
                }
            }
            return State.FOREIGN;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot inspect " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Refuses an output the command did not write (exit 2 in the jobs, one line), before any work.
     *
     * @return the state, for callers that treat a finished run specially
     */
    public static State requireOwn(HadoopFiles files, String dir, Kind kind) {
        State s = state(files, dir, kind);
        if (s == State.FOREIGN) {
            throw new IllegalArgumentException(kind.flag + " " + dir + " exists and is not " + article(kind.command) + " "
                    + kind.command + " output (none of " + String.join(", ", kind.markers) + "); nothing was written or"
                    + " deleted: choose another " + kind.flag + " or an empty directory");
        }
        return s;
    }

    /**
     * {@link #requireOwn}, and a finished run is replaced only with {@code --overwrite}.
     */
    public static State requireReplaceable(HadoopFiles files, String dir, Kind kind, boolean overwrite) {
        State s = requireOwn(files, dir, kind);
        if (s == State.FINISHED && !overwrite) {
            throw new IllegalArgumentException(kind.flag + " " + dir + " already holds a finished " + kind.command + " run ("
                    + kind.finished + "); pass --overwrite true to replace it or choose another " + kind.flag);
        }
        return s;
    }

    private static String article(String word) {
        return "aeiou".indexOf(word.charAt(0)) >= 0 ? "an" : "a";
    }

    /**
     * A sibling staging directory a run writes into; {@link #commit} swaps its entries into the target only after
     * the run succeeded, and {@link #close} removes what is left of a failed run. Entries of the target that the
     * run does not write are left alone (with {@code owned}, only those names of the target are replaced; with
     * none, the staged entries replace theirs).
     */
    public static final class Staging implements AutoCloseable {
        private final HadoopFiles files;
        private final String target;
        private final String staging;
        private final List<String> owned;
        private boolean committed;

        private Staging(HadoopFiles files, String target, List<String> owned) throws IOException {
            this.files = files;
            this.target = target;
            Path t = new Path(target);
            this.staging = new Path(t.getParent(), "._staging_" + t.getName() + "_" + UUID.randomUUID()).toString();
            this.owned = owned;
            files.mkdirs(staging);
        }

        /**
         * @param owned the names of the target this run replaces (the old ones are removed even when the new run
         *              does not write them); empty: exactly the names the run writes
         */
        public static Staging of(HadoopFiles files, String target, List<String> owned) throws IOException {
            return new Staging(files, target, owned);
        }

        /** Where the run writes. */
        public String dir() {
            return staging;
        }

        /** Moves the staged result into the target: the old entries aside, the new ones in, then the old ones away. */
        public void commit() throws IOException {
            FileSystem fs = files.fileSystem(target);
            Path t = new Path(target);
            Path s = new Path(staging);
            if (!fs.exists(t)) {
                rename(fs, s, t);
                committed = true;
                return;
            }
            Path old = new Path(t.getParent(), "._replaced_" + t.getName() + "_" + UUID.randomUUID());
            fs.mkdirs(old);
            List<String> replace = new java.util.ArrayList<>(owned);
            for (FileStatus c : fs.listStatus(s)) {
                if (!replace.contains(c.getPath().getName())) {
                    replace.add(c.getPath().getName());
                }
            }
            for (String name : replace) {
                Path existing = new Path(t, name);
                if (fs.exists(existing)) {
                    rename(fs, existing, new Path(old, name));
                }
            }
            for (FileStatus c : fs.listStatus(s)) {
                rename(fs, c.getPath(), new Path(t, c.getPath().getName()));
            }
            committed = true;
            fs.delete(old, true);
            fs.delete(s, true);
        }

        private static void rename(FileSystem fs, Path from, Path to) throws IOException {
            if (!fs.rename(from, to)) {
                throw new IOException("cannot rename " + from + " to " + to);
            }
        }

        /** Removes the staging directory of a run that did not commit. */
        @Override
        public void close() throws IOException {
            if (!committed) {
                files.deleteRecursively(staging);
            }
        }
    }
}
