package io.sparkinception.trainer.distributed;

import io.sparkinception.preprocessing.MetadataIO;
import io.sparkinception.preprocessing.io.HadoopFiles;
import io.sparkinception.trainer.zoo.SafeModelLoader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Driver checkpoints under {@code <output>/checkpoints/round-NNNNNNNN/}: {@code model.zip} (parameters and
 * updater state, DL4J's format), {@code ema.bin} (little-endian float32 EMA parameters, when on) and
 * {@code state.json} (the next round, examples seen, wall time, metrics so far). A checkpoint is written into a
 * temporary directory and renamed, then {@code checkpoints/latest} is replaced atomically: a crash leaves the
 * previous checkpoint usable. Only the driver writes checkpoints.
 */
public final class Checkpoints {
    private final HadoopFiles files;
    private final String dir;

    public Checkpoints(HadoopFiles files, String output) {
        this.files = files;
        this.dir = output + "/checkpoints";
    }

    /** What a checkpoint restores besides the network. */
    public record State(long nextRound, long examplesSeen, double wallSeconds, List<Map<String, Object>> metrics,
                        float[] ema) {
    }

    public void write(ComputationGraph g, State s) throws IOException {
        String name = String.format(Locale.ROOT, "round-%08d", s.nextRound());
        String tmp = dir + "/._tmp_" + name;
        String target = dir + "/" + name;
        files.deleteRecursively(tmp);
        files.mkdirs(tmp);
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        ModelSerializer.writeModel(g, zip, true);
        files.writeAtomically(tmp + "/model.zip", zip.toByteArray());
        if (s.ema() != null) {
            files.writeAtomically(tmp + "/ema.bin", toBytes(s.ema()));
        }
        files.writeAtomically(tmp + "/state.json", MetadataIO.toJson(new StateJson(s.nextRound(), s.examplesSeen(),
                s.wallSeconds(), s.metrics(), s.ema() != null)));
        files.deleteRecursively(target);
        FileSystem fs = files.fileSystem(dir);
        if (!fs.rename(new Path(tmp), new Path(target))) {
            throw new IOException("cannot rename " + tmp + " to " + target);
        }
        files.writeAtomically(dir + "/latest", name);
    }

    /** The JSON part of a checkpoint. */
    public record StateJson(long nextRound, long examplesSeen, double wallSeconds, List<Map<String, Object>> metrics,
                            boolean hasEma) {
    }

    /** Restores the latest checkpoint into {@code g} (parameters and updater state) and returns its state, or null. */
    public State restoreLatest(ComputationGraph g) throws IOException {
        if (!files.exists(dir + "/latest")) {
            return null;
        }
        String name = files.readText(dir + "/latest").trim();
        String base = dir + "/" + name;
        ComputationGraph saved = SafeModelLoader.restore(base + "/model.zip", files.readBytes(base + "/model.zip"), true);
        if (saved.params().length() != g.params().length()) {
            throw new IllegalArgumentException("checkpoint " + base + " holds a model with " + saved.params().length()
                    + " parameters, this configuration has " + g.params().length() + ": resume with the same settings");
        }
        g.setParams(saved.params().dup());
        var view = PartitionTrainer.updaterView(g);
        var savedView = PartitionTrainer.updaterView(saved);
        if (view != null && savedView != null && view.length() > 0) {
            view.assign(savedView);
        }
        StateJson sj = MetadataIO.mapper().readValue(files.readText(base + "/state.json"), StateJson.class);
        float[] ema = sj.hasEma() ? fromBytes(files.readBytes(base + "/ema.bin")) : null;
        return new State(sj.nextRound(), sj.examplesSeen(), sj.wallSeconds(), sj.metrics(), ema);
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
