package io.sparkinception.common;

import io.sparkinception.common.HadoopFiles;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The output directories of {@code train}, {@code ensemble}, {@code evaluate} and {@code predict}: the project
 * never deletes or overwrites what it did not write. A directory that exists, is not empty and holds none of the
 * command's own files is refused before any work. A replacement ({@code --overwrite}) is written to a sibling
 * staging directory and swapped in only after it succeeded ({@link OutputSwap#entries}), so a failing rerun leaves
 * the old result as it was.
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
}
