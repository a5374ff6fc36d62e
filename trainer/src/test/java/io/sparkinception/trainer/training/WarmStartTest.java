package io.sparkinception.trainer.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.common.HadoopFiles;
import io.sparkinception.preprocessing.MetadataIO;
import io.sparkinception.testing.LocalSpark;
import io.sparkinception.trainer.models.InceptionZoo;
import io.sparkinception.trainer.models.ModelFamily;
import io.sparkinception.trainer.models.ModelSpec;
import io.sparkinception.trainer.models.SafeModelLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code init-model}: a run starts from an earlier model's parameters, and only from a model of its own network. */
class WarmStartTest {
    private static final ModelSpec TINY = ModelSpec.defaults(ModelFamily.GOOGLENET, 3).withInputSize(32)
            .withWidth(0.25, 8);

    private static ComputationGraph tiny(ModelSpec spec, long seed) {
        return InceptionZoo.configure(spec.withSeed(seed)).init();
    }

    @Test
    void copiesEveryParameterAndTheBatchNormStatisticsByName() {
        ComputationGraph from = tiny(TINY, 1);
        // Batch-norm statistics are parameters in DL4J: give them values a fresh network does not have.
        int statistics = 0;
        for (Map.Entry<String, org.nd4j.linalg.api.ndarray.INDArray> e : from.paramTable().entrySet()) {
            String name = e.getKey();
            if (name.endsWith("_mean") || name.endsWith("_var") || name.endsWith("_log10stdev")) {
                e.getValue().addi(0.25);
                statistics++;
            }
        }
        assertTrue(statistics >= 2 * 57, "running mean and variance of every batch norm: " + statistics);
        ComputationGraph to = tiny(TINY, 2);
        assertFalse(Arrays.equals(from.params().toFloatVector(), to.params().toFloatVector()),
                "two seeds, two initializations");
        WarmStart.copy("m.zip", from, to);
        assertArrayEquals(from.params().toFloatVector(), to.params().toFloatVector());
    }

    @Test
    void refusesAModelOfAnotherNetworkNamingTheDifference() {
        ComputationGraph to = tiny(TINY, 2);
        IllegalArgumentException wider = assertThrows(IllegalArgumentException.class,
                () -> WarmStart.copy("m.zip", tiny(TINY.withWidth(0.5, 8), 1), to));
        assertTrue(wider.getMessage().contains("m.zip is not a model of this network")
                && wider.getMessage().contains("has shape"), wider.getMessage());
        IllegalArgumentException noAux = assertThrows(IllegalArgumentException.class,
                () -> WarmStart.copy("m.zip", tiny(TINY.withAuxHeads(false), 1), to));
        assertTrue(noAux.getMessage().contains("parameter(s) missing, e.g. "), noAux.getMessage());
        IllegalArgumentException otherClasses = assertThrows(IllegalArgumentException.class,
                () -> WarmStart.copy("m.zip", tiny(ModelSpec.defaults(ModelFamily.GOOGLENET, 4).withInputSize(32)
                        .withWidth(0.25, 8), 1), to));
        assertTrue(otherClasses.getMessage().contains("has shape"), otherClasses.getMessage());
    }

    /** A narrower model of the same network is widened: the wider network starts with the model's outputs. */
    @Test
    void aNarrowerModelIsWidenedAndComputesTheSameOutputs(@TempDir Path dir) throws Exception {
        ComputationGraph narrow = tiny(TINY, 1);
        ComputationGraph wide = tiny(TINY.withWidth(0.375, 8), 2);
        org.nd4j.linalg.api.ndarray.INDArray x = org.nd4j.linalg.factory.Nd4j.rand(
                org.nd4j.linalg.api.buffer.DataType.FLOAT, 2, 3, 32, 32);
        assertTrue(WarmStart.copy("m.zip", narrow, wide));
        org.nd4j.linalg.api.ndarray.INDArray[] want = narrow.output(false, x);
        org.nd4j.linalg.api.ndarray.INDArray[] got = wide.output(false, x);
        for (int i = 0; i < want.length; i++) {
            assertArrayEquals(want[i].dup('c').data().asFloat(), got[i].dup('c').data().asFloat(), 2e-5f, "output " + i);
        }
        assertFalse(WarmStart.copy("m.zip", narrow, tiny(TINY, 3)), "the same width: copied as it is");
        Path file = dir.resolve("narrow.zip");
        ModelSerializer.writeModel(narrow, file.toFile(), false);
        WarmStart.check(HadoopFiles.local(), file.toString(), InceptionZoo.configure(TINY.withWidth(0.375, 8)).configuration());
        IllegalArgumentException fewerClasses = assertThrows(IllegalArgumentException.class,
                () -> WarmStart.copy("m.zip", tiny(TINY, 1), tiny(ModelSpec.defaults(ModelFamily.GOOGLENET, 4)
                        .withInputSize(32).withWidth(0.375, 8), 2)));
        assertTrue(fewerClasses.getMessage().contains("cannot be widened into it") && fewerClasses.getMessage()
                .contains("classes"), fewerClasses.getMessage());
    }

    @Test
    void checksTheFileBeforeAnyJob(@TempDir Path dir) throws Exception {
        HadoopFiles files = HadoopFiles.local();
        var conf = InceptionZoo.configure(TINY).configuration();
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> WarmStart.check(files, dir.resolve("none.zip").toString(), conf));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());

        Path garbage = dir.resolve("garbage.zip");
        Files.writeString(garbage, "not a zip");
        assertThrows(SafeModelLoader.BadModelFile.class, () -> WarmStart.check(files, garbage.toString(), conf));

        Path wide = dir.resolve("wide.zip");
        ModelSerializer.writeModel(tiny(TINY.withWidth(0.5, 8), 1), wide.toFile(), false);
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> WarmStart.check(files, wide.toString(), conf));
        assertTrue(count.getMessage().contains("parameters, this network"), count.getMessage());

        Path same = dir.resolve("same.zip");
        ModelSerializer.writeModel(tiny(TINY, 1), same.toFile(), false);
        WarmStart.check(files, same.toString(), conf);
    }

    /**
     * A run with {@code init-model} starts where the model ended: at a learning rate that cannot move the weights and
     * a batch-norm decay that keeps the statistics, one round leaves the loaded parameters as they were, while the
     * same run without it ends at its own fresh initialization.
     */
    @Test
    @Tag("e2e") // three local[2] training runs
    void aRunStartsFromTheModelsParameters(@TempDir Path dir) throws Exception {
        SparkSession spark = LocalSpark.start("warm-start");
        try {
            String data = GeneratedData.preprocess(spark, dir, 12);
            Map<String, String> common = new HashMap<>(Map.of("data", data, "family", "googlenet", "width", "0.25",
                    "min-filters", "8", "workers", "2", "batch-size-per-worker", "4", "averaging-frequency", "2",
                    "validate-every-epochs", "0", "checkpoint-every", "1000"));
            common.put("ema-decay", "0");
            Map<String, String> first = new HashMap<>(common);
            first.putAll(Map.of("output", dir.resolve("first").toString(), "epochs", "2", "seed", "5"));
            DistributedTrainer.run(spark, TrainConfig.load(null, first), new PrintStream(new ByteArrayOutputStream()));
            String model = dir.resolve("first/model.zip").toString();
            float[] trained = params(model);

            Map<String, String> still = new HashMap<>(common);
            still.putAll(Map.of("epochs", "1", "max-rounds", "1", "seed", "6", "learning-rate", "1e-20",
                    "batch-norm-decay", "0.99999999"));
            Map<String, String> warm = new HashMap<>(still);
            warm.putAll(Map.of("output", dir.resolve("warm").toString(), "init-model", model));
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            DistributedTrainer.run(spark, TrainConfig.load(null, warm), new PrintStream(log, true, StandardCharsets.UTF_8));
            assertTrue(log.toString(StandardCharsets.UTF_8).contains("train: init-model: parameters of "), log.toString());
            float[] warmed = params(dir.resolve("warm/model.zip").toString());
            assertEquals(0, maxDifference(trained, warmed), 1e-4, "a warm start keeps the loaded parameters");

            Map<String, String> cold = new HashMap<>(still);
            cold.put("output", dir.resolve("cold").toString());
            DistributedTrainer.run(spark, TrainConfig.load(null, cold), new PrintStream(new ByteArrayOutputStream()));
            assertTrue(maxDifference(trained, params(dir.resolve("cold/model.zip").toString())) > 0.01,
                    "without init-model the run starts from its own initialization");
            assertEquals(3, MetadataIO.read(HadoopFiles.local(), data).classes().size());
        } finally {
            spark.stop();
        }
    }

    private static float[] params(String zip) throws Exception {
        return SafeModelLoader.restore(zip, Files.readAllBytes(Path.of(zip)), false).params().toFloatVector();
    }

    private static double maxDifference(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
