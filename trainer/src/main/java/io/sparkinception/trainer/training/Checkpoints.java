package io.sparkinception.trainer.training;

import io.sparkinception.common.Json;
import io.sparkinception.common.HadoopFiles;
import io.sparkinception.trainer.models.SafeModelLoader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.StreamCapabilities;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Driver checkpoints under {@code <output>/checkpoints/round-NNNNNNNN/}: {@code model.zip} (parameters and
 * updater state, DL4J's format), {@code ema.bin} (little-endian float32 EMA parameters, when on),
 * {@code state.json} (the next round, examples seen, wall time, metrics so far) and, written last,
 * {@code manifest.json} (the SHA-256 of each of those files). Only the driver writes checkpoints.
 *
 * <p>Writing one is three steps, each safe to be interrupted ({@link #write} runs them in order):
 * <ol>
 *   <li>{@link #stage}: every file into {@code ._tmp_round-N/}, each flushed to stable storage where the file
 *       system supports {@code hsync}, the manifest last;</li>
 *   <li>{@link #publish}: rename that directory to {@code round-N/};</li>
 *   <li>{@link #point}: write the pointer {@code latest} (the name {@code round-N}) to a temporary name and rename
 *       it over the old pointer ({@link HadoopFiles#replace}: one POSIX rename on local files, an overwriting rename
 *       on HDFS), so there is never a moment without a pointer.</li>
 * </ol>
 * {@link #restoreLatest} does not trust the pointer alone: it takes the newest {@code round-N/} whose manifest
 * verifies and whose model restores, and says which one it uses and why it passed over others. A crash at any
 * step therefore resumes from the newest complete checkpoint; if the output has checkpoints but none verifies,
 * it fails instead of starting again.
 */
public final class Checkpoints {
    static final String POINTER = "latest";
    static final String MANIFEST = "manifest.json";
    private static final String TMP = "._tmp_";
    private static final Pattern NAME = Pattern.compile("round-(\\d{8,})");

    private final HadoopFiles files;
    private final String dir;

    public Checkpoints(HadoopFiles files, String output) {
        this.files = files;
        this.dir = output + "/checkpoints";
    }

    /**
     * What a checkpoint restores besides the network.
     *
     * @param timeBudget the length a time budget fixed, or null (no budget, or not calibrated yet)
     */
    public record State(long nextRound, long examplesSeen, double wallSeconds, List<MetricsLine> metrics,
                        float[] ema, int learningRateHalvings, BudgetDecision timeBudget) {
        /** The state of a run without a fixed time budget. */
        public State(long nextRound, long examplesSeen, double wallSeconds, List<MetricsLine> metrics, float[] ema,
                     int learningRateHalvings) {
            this(nextRound, examplesSeen, wallSeconds, metrics, ema, learningRateHalvings, null);
        }
    }

    /**
     * The JSON part of a checkpoint. {@code learningRateHalvings} is absent (0) and {@code timeBudget} absent (null) in
     * checkpoints of older versions.
     */
    public record StateJson(long nextRound, long examplesSeen, double wallSeconds, List<MetricsLine> metrics,
                            boolean hasEma, int learningRateHalvings, BudgetDecision timeBudget) {
    }

    /** {@code manifest.json}: the SHA-256 (hex) of every other file of the checkpoint, by name. */
    public record Manifest(long nextRound, Map<String, String> sha256) {
    }

    /** A restored checkpoint: its state, its directory name, and one line saying why it was chosen. */
    public record Restored(State state, String name, String note) {
    }

    /** The checkpoint directory's name for a state. */
    static String nameOf(long nextRound) {
        return String.format(Locale.ROOT, "round-%08d", nextRound);
    }

    /** Writes a checkpoint and makes it {@code latest}: {@link #stage}, {@link #publish}, {@link #point}. */
    public void write(ComputationGraph g, State s) throws IOException {
        String name = stage(g, s);
        publish(name);
        point(name);
    }

    /** Step 1: writes every file of the checkpoint into a temporary directory, the manifest last; returns the name. */
    String stage(ComputationGraph g, State s) throws IOException {
        String name = nameOf(s.nextRound());
        String tmp = dir + "/" + TMP + name;
        files.deleteRecursively(tmp);
        files.mkdirs(tmp);
        Map<String, String> sums = new LinkedHashMap<>();
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        ModelSerializer.writeModel(g, zip, true);
        writeDurably(tmp + "/model.zip", zip.toByteArray(), sums);
        if (s.ema() != null) {
            writeDurably(tmp + "/ema.bin", toBytes(s.ema()), sums);
        }
        writeDurably(tmp + "/state.json", Json.toJson(new StateJson(s.nextRound(), s.examplesSeen(),
                s.wallSeconds(), s.metrics(), s.ema() != null, s.learningRateHalvings(), s.timeBudget())).getBytes(StandardCharsets.UTF_8), sums);
        writeDurably(tmp + "/" + MANIFEST, Json.toJson(new Manifest(s.nextRound(), sums))
                .getBytes(StandardCharsets.UTF_8), null);
        return name;
    }

    /**
     * Step 2: renames the staged directory to its final name. A directory of that name can only be one that
     * {@link #restoreLatest} passed over (it resumes from the newest valid one), so it is replaced.
     */
    void publish(String name) throws IOException {
        String tmp = dir + "/" + TMP + name;
        String target = dir + "/" + name;
        files.deleteRecursively(target);
        if (!files.fileSystem(dir).rename(new Path(tmp), new Path(target))) {
            throw new IOException("cannot rename " + tmp + " to " + target);
        }
    }

    /** Step 3: switches the pointer to {@code name} by renaming a fully written temporary file over it. */
    void point(String name) throws IOException {
        Path pointer = new Path(dir + "/" + POINTER);
        Path tmp = new Path(dir + "/" + TMP + POINTER);
        writeDurably(tmp.toString(), name.getBytes(StandardCharsets.UTF_8), null);
        // One rename over the old pointer (HadoopFiles#replace): never a moment without a pointer.
        files.replace(tmp.toString(), pointer.toString());
    }

    private void writeDurably(String path, byte[] bytes, Map<String, String> sums) throws IOException {
        Path p = new Path(path);
        try (FSDataOutputStream out = files.fileSystem(path).create(p, true)) {
            out.write(bytes);
            if (out.hasCapability(StreamCapabilities.HSYNC)) {
                out.hsync();
            } else {
                out.hflush();
            }
        }
        if (sums != null) {
            sums.put(p.getName(), DistributedTrainer.sha256(bytes));
        }
    }

    /** Whether the output holds any checkpoint, pointer or checkpoint directory, complete or not. */
    public boolean exist() throws IOException {
        return files.exists(dir + "/" + POINTER) || !roundNames().isEmpty();
    }

    /** The names of the {@code round-N} directories, newest first. */
    List<String> roundNames() throws IOException {
        List<String> names = new ArrayList<>();
        if (!files.exists(dir)) {
            return names;
        }
        for (FileStatus st : files.fileSystem(dir).listStatus(new Path(dir))) {
            if (st.isDirectory() && NAME.matcher(st.getPath().getName()).matches()) {
                names.add(st.getPath().getName());
            }
        }
        names.sort((a, b) -> Long.compare(roundOf(b), roundOf(a)));
        return names;
    }

    private static long roundOf(String name) {
        Matcher m = NAME.matcher(name);
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /**
     * Restores the newest complete, verified checkpoint into {@code g} (parameters and updater state).
     *
     * @return the restored checkpoint, or null when the output holds no checkpoint at all
     * @throws IllegalStateException when there are checkpoints but none verifies (the reasons, one per checkpoint)
     * @throws IllegalArgumentException when the checkpoint's model does not fit this configuration
     */
    public Restored restoreLatest(ComputationGraph g) throws IOException {
        Verified v = newestVerified();
        if (v == null) {
            return null;
        }
        Loaded loaded = v.loaded();
        String base = dir + "/" + v.name();
        if (loaded.saved().params().length() != g.params().length()) {
            throw new IllegalArgumentException("checkpoint " + base + " holds a model with "
                    + loaded.saved().params().length() + " parameters, this configuration has " + g.params().length()
                    + ": resume with the same settings");
        }
        g.setParams(loaded.saved().params().dup());
        var view = PartitionTrainer.updaterView(g);
        var savedView = PartitionTrainer.updaterView(loaded.saved());
        if (view != null && savedView != null && view.length() > 0) {
            view.assign(savedView);
        }
        return new Restored(loaded.state(), v.name(), v.note());
    }

    /**
     * The check {@code train --resume} runs on the driver before its SparkSession starts: the same verification as
     * {@link #restoreLatest} (manifest, SHA-256 of every file, the model restorable), without a network to restore
     * into.
     *
     * @return which checkpoint a resume will use and why, or null when the output holds no checkpoint at all
     * @throws IllegalStateException when there are checkpoints but none verifies (each one and its bad file)
     */
    public String verify() throws IOException {
        Verified v = newestVerified();
        return v == null ? null : v.note();
    }

    private record Verified(Loaded loaded, String name, String note) {
    }

    /** The newest complete, verified checkpoint; null when there are none at all; throws when none verifies. */
    private Verified newestVerified() throws IOException {
        if (!exist()) {
            return null;
        }
        String pointed = pointer();
        List<String> rejected = new ArrayList<>();
        for (String name : roundNames()) {
            try {
                Loaded loaded = load(dir + "/" + name, name);
                return new Verified(loaded, name, note(name, pointed, rejected));
            } catch (IOException | RuntimeException e) {
                rejected.add(name + ": " + e.getMessage());
            }
        }
        throw new IllegalStateException("resume: " + dir + " holds checkpoints but none is complete and verified ("
                + (pointed == null ? "no pointer" : "pointer names " + pointed) + "; " + String.join("; ", rejected)
                + "); refusing to start from scratch over them: move them away or choose another --output");
    }

    private record Loaded(ComputationGraph saved, State state) {
    }

    /** Verifies a checkpoint directory against its manifest and reads it. */
    private Loaded load(String base, String name) throws IOException {
        if (!files.exists(base + "/" + MANIFEST)) {
            throw new IOException("incomplete (no " + MANIFEST + ")");
        }
        Manifest manifest = Json.mapper().readValue(files.readText(base + "/" + MANIFEST), Manifest.class);
        if (manifest.sha256() == null || !manifest.sha256().containsKey("model.zip")
                || !manifest.sha256().containsKey("state.json")) {
            throw new IOException("manifest lists no model.zip or state.json");
        }
        Map<String, byte[]> content = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : manifest.sha256().entrySet()) {
            String path = base + "/" + e.getKey();
            if (!files.exists(path)) {
                throw new IOException(e.getKey() + " is missing");
            }
            byte[] bytes = files.readBytes(path);
            String actual = DistributedTrainer.sha256(bytes);
            if (!actual.equals(e.getValue())) {
                throw new IOException(e.getKey() + " has SHA-256 " + actual + ", the manifest says " + e.getValue());
            }
            content.put(e.getKey(), bytes);
        }
        StateJson sj = Json.mapper().readValue(content.get("state.json"), StateJson.class);
        if (!name.equals(nameOf(sj.nextRound()))) {
            throw new IOException("state.json is of round " + sj.nextRound());
        }
        if (sj.hasEma() && !content.containsKey("ema.bin")) {
            throw new IOException("manifest lists no ema.bin");
        }
        ComputationGraph saved;
        try {
            saved = SafeModelLoader.restore(base + "/model.zip", content.get("model.zip"), true);
        } catch (RuntimeException e) {
            throw new IOException("model.zip does not restore: " + e, e);
        }
        float[] ema = sj.hasEma() ? fromBytes(content.get("ema.bin")) : null;
        return new Loaded(saved, new State(sj.nextRound(), sj.examplesSeen(), sj.wallSeconds(), sj.metrics(), ema,
                sj.learningRateHalvings(), sj.timeBudget()));
    }

    /** The name the pointer holds, or null when it is missing or unreadable. */
    private String pointer() {
        try {
            return files.exists(dir + "/" + POINTER) ? files.readText(dir + "/" + POINTER).trim() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String note(String used, String pointed, List<String> rejected) {
        StringBuilder sb = new StringBuilder("using checkpoint " + used);
        if (pointed == null) {
            sb.append(" (no pointer: the newest verified checkpoint)");
        } else if (pointed.equals(used)) {
            sb.append(" (the pointer's)");
        } else {
            sb.append(" (the pointer names ").append(pointed).append("; ").append(used)
                    .append(" is the newest verified checkpoint)");
        }
        if (!rejected.isEmpty()) {
            sb.append("; passed over ").append(String.join("; ", rejected));
        }
        return sb.toString();
    }

    static byte[] toBytes(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    static float[] fromBytes(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[bytes.length / 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getFloat();
        }
        return out;
    }
}
