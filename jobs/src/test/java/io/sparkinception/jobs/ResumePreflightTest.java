package io.sparkinception.jobs;

import io.sparkinception.common.Json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.common.HadoopFiles;
import io.sparkinception.preprocessing.DatasetMetadata;
import io.sparkinception.preprocessing.annotations.ClassInfo;
import io.sparkinception.trainer.training.Checkpoints;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * {@code train --resume} over checkpoints none of which verifies fails on the driver, before any SparkSession, with
 * exit code 2 and one line naming each checkpoint and its bad file.
 */
class ResumePreflightTest {
    @TempDir
    Path dir;

    private Path data() throws Exception {
        Path data = Files.createDirectories(dir.resolve("gtsrb-32"));
        DatasetMetadata.Spec spec = new DatasetMetadata.Spec(32, 3, "CHW", "float32", "area", 0.1, true, false,
                new double[] {0, 0, 0}, new double[] {1, 1, 1}, 100);
        DatasetMetadata.Counts counts = new DatasetMetadata.Counts(50, 50, 0, Map.of("train", 45L, "val", 5L), Map.of(), Map.of());
        Files.writeString(data.resolve("metadata.json"), Json.toJson(new DatasetMetadata(DatasetMetadata.FORMAT_VERSION,
                "now", Map.of(), null, spec, List.of(new ClassInfo(0, "a", "a"), new ClassInfo(1, "b", "b")), counts,
                Map.of("train", 1), List.of())));
        return data;
    }

    /** A small network: what is checked here is the checkpoint's files, not its fit to the configuration. */
    private static ComputationGraph network() {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(1).updater(new Adam(0.01))
                .graphBuilder().addInputs("in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build(), "in")
                .setOutputs("out").setInputTypes(InputType.feedForward(4)).build());
        g.init();
        return g;
    }

    @Test
    void aCorruptCheckpointFailsBeforeSparkNamingTheFile() throws Exception {
        Path data = data();
        Path out = dir.resolve("run");
        new Checkpoints(HadoopFiles.local(), out.toString()).write(network(),
                new Checkpoints.State(2, 20, 1.0, List.of(), null, 0));
        Path model = out.resolve("checkpoints/round-00000002/model.zip");
        byte[] b = Files.readAllBytes(model);
        b[b.length / 2] ^= 0x5A;
        Files.write(model, b);
        Files.deleteIfExists(model.resolveSibling(".model.zip.crc"));

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        long start = System.nanoTime();
        int code = Main.run(new String[] {"train", "--data", data.toString(), "--output", out.toString(), "--workers", "2",
                        "--averaging-frequency", "1", "--resume"},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        double seconds = (System.nanoTime() - start) / 1e9;
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, e);
        assertEquals(1, e.lines().count(), e);
        assertTrue(e.startsWith("error: train: ") && e.contains("none is complete and verified")
                && e.contains("round-00000002: model.zip has SHA-256"), e);
        assertTrue(SparkSession.getDefaultSession().isEmpty() && SparkSession.getActiveSession().isEmpty(),
                "refused before a SparkSession was built");
        System.out.printf("ResumePreflightTest: refused in %.1f s%n", seconds);
    }
}
