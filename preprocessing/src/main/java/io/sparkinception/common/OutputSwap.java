package io.sparkinception.common;

import java.io.IOException;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Replaces an output directory only after the new result is complete, and never deletes what the project did not
 * write. {@link #prepare} refuses (with an {@link IllegalArgumentException}: exit code 2) an output that exists
 * and is not a finished run of the same command (a user's directory, a file), and a finished run unless
 * {@code overwrite}; nothing is touched before the check. The run writes into {@link #staging()}, a hidden sibling
 * of the output ({@code .NAME.tmp-UUID}); {@link #commit()} then renames the old output aside
 * ({@code .NAME.old-UUID}), renames the staging directory in, and deletes the old one. A run that fails before
 * {@code commit} leaves the old output as it was; {@link #cleanUpIfUncommitted()} deletes the staging directory.
 * An empty existing directory counts as absent.
 *
 * <p>Works on any Hadoop file system whose rename of a directory is atomic (local, HDFS). A process killed between
 * the two renames leaves the old result under {@code .NAME.old-UUID} and the new one under
 * {@code .NAME.tmp-UUID}, both complete; nothing is deleted before the new result is in place.
 */
public final class OutputSwap {
    private final HadoopFiles files;
    private final Path output;
    private final Path staging;
    private boolean committed;

    private OutputSwap(HadoopFiles files, Path output, Path staging) {
        this.files = files;
        this.output = output;
        this.staging = staging;
    }

    /**
     * @param output        the qualified output directory
     * @param what          the command, for messages ({@code preprocess})
     * @param finishedRun   whether a directory holds a finished run of this command (e.g. a readable metadata.json)
     */
    public static OutputSwap prepare(HadoopFiles files, String output, boolean overwrite, String what,
                                     Predicate<String> finishedRun) throws IOException {
        Path out = new Path(output);
        if (out.getParent() == null) {
            throw new IllegalArgumentException("output " + output + " is a file system root; choose a directory below it");
        }
        FileSystem fs = files.fileSystem(output);
        if (fs.exists(out)) {
            FileStatus st = fs.getFileStatus(out);
            if (!st.isDirectory()) {
                throw new IllegalArgumentException("output " + output + " is a file, not a " + what
                        + " output: refusing to touch it; choose another --output");
            }
            boolean empty = fs.listStatus(out).length == 0;
            if (!empty && !finishedRun.test(output)) {
                throw new IllegalArgumentException("output " + output + " exists and is not a finished " + what
                        + " output: refusing to touch it; choose another --output or remove it yourself");
            }
            if (!empty && !overwrite) {
                throw new IllegalArgumentException("output " + output + " already holds a finished run;"
                        + " pass --overwrite true or choose another --output");
            }
        }
        Path staging = new Path(out.getParent(), "." + out.getName() + ".tmp-" + UUID.randomUUID());
        if (!fs.mkdirs(staging)) {
            throw new IOException("cannot create " + staging);
        }
        return new OutputSwap(files, out, staging);
    }

    /** Where the run writes: a hidden sibling of the output. */
    public String staging() {
        return staging.toString();
    }

    /** Moves the finished result into place; the old output, if any, is deleted only after that. */
    public void commit() throws IOException {
        FileSystem fs = files.fileSystem(output.toString());
        Path old = null;
        if (fs.exists(output)) {
            old = new Path(output.getParent(), "." + output.getName() + ".old-" + UUID.randomUUID());
            if (!fs.rename(output, old)) {
                throw new IOException("cannot move the previous output " + output + " aside to " + old);
            }
        }
        if (!fs.rename(staging, output)) {
            if (old != null && !fs.exists(output)) {
                fs.rename(old, output);
            }
            throw new IOException("cannot move the new result " + staging + " to " + output);
        }
        committed = true;
        if (old != null && !fs.delete(old, true)) {
            throw new IOException("the new result is in " + output + ", but the previous one could not be deleted: " + old);
        }
    }

    /** After a failure: deletes the staging directory (the output is untouched). */
    public void cleanUpIfUncommitted() {
        if (committed) {
            return;
        }
        try {
            files.fileSystem(staging.toString()).delete(staging, true);
        } catch (IOException | RuntimeException e) {
            // The run's own failure is the one to report; a leftover hidden staging directory is harmless.
        }
    }
}
