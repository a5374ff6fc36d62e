package io.sparkinception.common;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The one way the project replaces an output: a run writes into a staging directory beside the output and the
 * result is moved into place only after the run succeeded. Two modes:
 * <ul>
 *   <li>{@link #directory}: the whole directory is replaced (preprocess). The old output is renamed aside, the
 *       staging directory renamed in, the old one deleted.</li>
 *   <li>{@link #entries}: only the command's own entries of the output are replaced (evaluate, predict); a user's
 *       other files in the output stay.</li>
 * </ul>
 * Both guarantee:
 * <ul>
 *   <li>Nothing the project did not write is deleted or overwritten. Names it creates are
 *       {@code .NAME.staging-UUID} (the new result) and {@code .NAME.old-UUID} (the old entries during a commit),
 *       siblings of the output {@code NAME}; each holds the marker {@value #MARKER} naming the output (an old
 *       whole directory is recognised by the caller's finished-run check instead). A sibling with such a name but
 *       without the marker is never touched.</li>
 *   <li>The old output stays intact until the new result is complete: nothing is moved before {@link #commit}.</li>
 *   <li>A run killed at any point leaves the old or the new output (a kill during the renames of a commit:
 *       recorded in the {@code .old} marker) plus the clearly named staging directory. The next swap of the same
 *       output first finishes an interrupted commit (roll forward) and deletes leftover staging directories that
 *       hold the marker.</li>
 * </ul>
 * Works on any Hadoop file system with an atomic rename (local, HDFS). Two runs writing the same output at the
 * same time are not supported: the second one's clean-up would take the first one's staging directory for a
 * leftover.
 */
public final class OutputSwap implements AutoCloseable {
    /** The marker in every directory the swap creates; written first, so an unmarked directory is not ours. */
    public static final String MARKER = "_sparkinception_swap.json";

    /**
     * The marker's content. {@code staged} and {@code replaced} are set in the {@code .old} directory of a commit
     * that has started: they make the commit finishable after a kill.
     */
    record Marker(String output, List<String> staged, List<String> replaced) {
        Marker {
            staged = staged == null ? List.of() : List.copyOf(staged);
            replaced = replaced == null ? List.of() : List.copyOf(replaced);
        }
    }

    private final HadoopFiles files;
    private final FileSystem fs;
    private final Path output;
    private final String id;
    private final boolean wholeDirectory;
    private final List<String> owned;
    private final Predicate<String> finishedRun;
    private boolean committed;
    /** Fault injection for tests: the commit stops (as if killed) after this many renames. */
    private int renamesBeforeKill = Integer.MAX_VALUE;

    private OutputSwap(HadoopFiles files, Path output, boolean wholeDirectory, List<String> owned,
                       Predicate<String> finishedRun) {
        this.files = files;
        this.fs = files.fileSystem(output.toString());
        this.output = output;
        this.id = UUID.randomUUID().toString();
        this.wholeDirectory = wholeDirectory;
        this.owned = List.copyOf(owned);
        this.finishedRun = finishedRun;
    }

    /**
     * Whole-directory mode. Refuses (with an {@link IllegalArgumentException}: exit code 2) an output that exists
     * and is not a finished run of the same command (a user's directory, a file), and a finished run unless
     * {@code overwrite}; an empty directory counts as absent. Nothing the checks refuse is touched.
     *
     * @param output      the qualified output directory
     * @param what        the command, for messages ({@code preprocess})
     * @param finishedRun whether a directory holds a finished run of this command (e.g. a readable metadata.json)
     */
    public static OutputSwap directory(HadoopFiles files, String output, boolean overwrite, String what,
                                       Predicate<String> finishedRun) throws IOException {
        Path out = new Path(output);
        if (out.getParent() == null) {
            throw new IllegalArgumentException("output " + output + " is a file system root; choose a directory below it");
        }
        OutputSwap swap = new OutputSwap(files, out, true, List.of(), finishedRun);
        swap.recover();
        FileSystem fs = swap.fs;
        if (fs.exists(out)) {
            if (!fs.getFileStatus(out).isDirectory()) {
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
        swap.createStaging();
        return swap;
    }

    /**
     * Entries mode: the caller has checked that {@code target} is absent or its own ({@link OutputDirectory}).
     *
     * @param owned the names of the target this run replaces (the old ones are removed even when the new run
     *              does not write them); empty: exactly the names the run writes
     */
    public static OutputSwap entries(HadoopFiles files, String target, List<String> owned) throws IOException {
        Path t = new Path(target);
        if (t.getParent() == null) {
            throw new IllegalArgumentException("output " + target + " is a file system root; choose a directory below it");
        }
        OutputSwap swap = new OutputSwap(files, t, false, owned, dir -> false);
        swap.recover();
        swap.createStaging();
        return swap;
    }

    /** Where the run writes: {@code .NAME.staging-UUID} beside the output. */
    public String dir() {
        return staging(id).toString();
    }

    private Path staging(String uuid) {
        return new Path(output.getParent(), "." + output.getName() + ".staging-" + uuid);
    }

    private Path old(String uuid) {
        return new Path(output.getParent(), "." + output.getName() + ".old-" + uuid);
    }

    private void createStaging() throws IOException {
        Path s = staging(id);
        if (!fs.mkdirs(s)) {
            throw new IOException("cannot create " + s);
        }
        writeMarker(s, new Marker(output.toString(), List.of(), List.of()));
    }

    /**
     * Moves the finished result into place. The old output (or its replaced entries) is deleted only after the new
     * one is in place.
     */
    public void commit() throws IOException {
        Path s = staging(id);
        if (!fs.exists(output)) {
            moveIn(s);
        } else if (wholeDirectory && fs.listStatus(output).length == 0) {
            fs.delete(output, false); // an empty directory the checks accepted: nothing to keep aside
            moveIn(s);
        } else if (wholeDirectory) {
            rename(output, old(id));
            moveIn(s);
        } else {
            List<String> staged = new ArrayList<>();
            for (FileStatus c : fs.listStatus(s)) {
                if (!c.getPath().getName().equals(MARKER)) {
                    staged.add(c.getPath().getName());
                }
            }
            Set<String> replaced = new LinkedHashSet<>(owned);
            replaced.addAll(staged);
            Path aside = old(id);
            if (!fs.mkdirs(aside)) {
                throw new IOException("cannot create " + aside);
            }
            writeMarker(aside, new Marker(output.toString(), staged, List.copyOf(replaced)));
            finishEntries(s, aside, readMarker(aside));
        }
        committed = true;
        fs.delete(old(id), true);
        fs.delete(s, true);
    }

    /** Renames the staging directory to the output (absent) and drops the marker it carries. */
    private void moveIn(Path s) throws IOException {
        rename(s, output);
        fs.delete(new Path(output, MARKER), false);
    }

    /**
     * The entries commit, idempotent so that a later run can finish it: every replaced name still in the output
     * is moved aside unless its new version is already in place, then every staged entry still in staging moves in.
     */
    private void finishEntries(Path s, Path aside, Marker m) throws IOException {
        for (String name : m.replaced()) {
            Path current = new Path(output, name);
            boolean newAlreadyIn = m.staged().contains(name) && !fs.exists(new Path(s, name));
            if (!newAlreadyIn && fs.exists(current) && !fs.exists(new Path(aside, name))) {
                rename(current, new Path(aside, name));
            }
        }
        for (String name : m.staged()) {
            Path fresh = new Path(s, name);
            if (fs.exists(fresh)) {
                rename(fresh, new Path(output, name));
            }
        }
    }

    /**
     * Before a run: finishes a commit a killed run left half done, and deletes the staging and old directories of
     * earlier runs of this output that hold the marker (or, for an old whole directory, the finished-run check).
     */
    private void recover() throws IOException {
        FileStatus[] siblings;
        try {
            siblings = fs.listStatus(output.getParent());
        } catch (FileNotFoundException e) {
            return;
        }
        String stagingPrefix = "." + output.getName() + ".staging-";
        String oldPrefix = "." + output.getName() + ".old-";
        for (FileStatus st : siblings) {
            String name = st.getPath().getName();
            if (st.isDirectory() && name.startsWith(oldPrefix)) {
                recoverCommit(name.substring(oldPrefix.length()));
            }
        }
        for (FileStatus st : siblings) {
            String name = st.getPath().getName();
            if (st.isDirectory() && name.startsWith(stagingPrefix) && fs.exists(st.getPath()) && marked(st.getPath())) {
                fs.delete(st.getPath(), true);
            }
        }
        Path stray = new Path(output, MARKER);
        if (fs.exists(stray)) {
            fs.delete(stray, false); // killed between the rename into place and dropping the marker
        }
    }

    /** An interrupted commit of the run {@code uuid}: completes it (or restores the old directory) and clears up. */
    private void recoverCommit(String uuid) throws IOException {
        Path aside = old(uuid);
        Path s = staging(uuid);
        boolean stagingOurs = fs.exists(s) && marked(s);
        if (wholeDirectory) {
            if (!finishedRun.test(aside.toString()) && !marked(aside)) {
                return;
            }
            if (!fs.exists(output)) {
                // Killed between the two renames: the staged result is complete (commit starts after the run).
                if (stagingOurs) {
                    moveIn(s);
                } else {
                    rename(aside, output);
                    return;
                }
            }
            fs.delete(aside, true);
        } else {
            if (!marked(aside)) {
                return;
            }
            if (stagingOurs) {
                finishEntries(s, aside, readMarker(aside));
            }
            fs.delete(aside, true);
        }
    }

    private boolean marked(Path dir) {
        try {
            return output.toString().equals(readMarker(dir).output());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private Marker readMarker(Path dir) throws IOException {
        return Json.mapper().readValue(files.readText(new Path(dir, MARKER).toString()), Marker.class);
    }

    private void writeMarker(Path dir, Marker m) throws IOException {
        files.writeAtomically(new Path(dir, MARKER).toString(), Json.mapper().writeValueAsString(m));
    }

    private void rename(Path from, Path to) throws IOException {
        if (renamesBeforeKill-- <= 0) {
            throw new SimulatedKill();
        }
        if (!fs.rename(from, to)) {
            throw new IOException("cannot rename " + from + " to " + to);
        }
    }

    /** Tests: the commit stops after {@code renames} renames, leaving everything as a killed process would. */
    void killAfterRenames(int renames) {
        this.renamesBeforeKill = renames;
    }

    /** Thrown by the fault injection of {@link #killAfterRenames}. */
    static final class SimulatedKill extends RuntimeException {
        SimulatedKill() {
            super("simulated kill");
        }
    }

    /** Deletes the staging directory of a run that did not commit (the output is untouched). */
    @Override
    public void close() {
        if (committed || renamesBeforeKill < 0) {
            return; // committed, or a simulated kill: a killed process cleans up nothing
        }
        try {
            fs.delete(staging(id), true);
        } catch (IOException | RuntimeException e) {
            // The run's own failure is the one to report; the next run deletes the marked leftover.
        }
    }
}
