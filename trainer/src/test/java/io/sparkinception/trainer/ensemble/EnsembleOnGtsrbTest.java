package io.sparkinception.trainer.ensemble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.preprocessing.PixelStorage;
import io.sparkinception.preprocessing.PreprocessConfig;
import io.sparkinception.preprocessing.annotations.SourceSpec;
import io.sparkinception.preprocessing.annotations.Split;
import io.sparkinception.preprocessing.image.Interpolation;
import io.sparkinception.preprocessing.spark.PreprocessPipeline;
import io.sparkinception.testing.LocalSpark;
import io.sparkinception.testing.SharedData;
import io.sparkinception.trainer.training.MetricsLine;
import io.sparkinception.trainer.training.RunRecords;
import io.sparkinception.trainer.training.TrainConfig;
import io.sparkinception.trainer.training.ValidationMetrics;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.io.output.NullOutputStream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The ensemble trainer in local[2] on the shared GTSRB data, with the test set scored during training. */
@Tag("e2e") // shared GTSRB data, local[2]
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EnsembleOnGtsrbTest {
    private static final PrintStream QUIET = new PrintStream(NullOutputStream.INSTANCE);
    private SparkSession spark;
    private Path root;
    private String data;
    private String test;

    @BeforeAll
    void prepare(@TempDir Path dir) throws Exception {
        root = dir;
        spark = LocalSpark.start("ensemble-gtsrb");
        data = dir.resolve("train-24").toString();
        test = dir.resolve("test-24").toString();
        String names = SharedData.data("gtsrb/signnames.csv").toString();
        PreprocessPipeline.run(spark, PreprocessConfig.builder(new SourceSpec(SourceSpec.Format.GTSRB,
                SharedData.data("gtsrb/Train.csv").toString(), "", names, null, true), data)
                .newSpec(new PreprocessConfig.NewSpec(24, new PreprocessConfig.CropSpec(0.1, true, Interpolation.AREA),
                        PixelStorage.FLOAT16, true)).progressSeconds(60).overwrite(true).build(), QUIET);
        PreprocessPipeline.run(spark, PreprocessConfig.builder(new SourceSpec(SourceSpec.Format.GTSRB,
                SharedData.data("gtsrb/Test.csv").toString(), "", names, null, true), test)
                .reuseSpec(data + "/metadata.json").split(Split.TEST).progressSeconds(60).overwrite(true).build(), QUIET);
    }

    @AfterAll
    void stop() {
        spark.stop();
    }

    private TrainConfig base(String evalData) {
        Map<String, String> flags = new HashMap<>(Map.of("data", data, "output", "unused", "width", "0.25",
                "min-filters", "8", "workers", "2", "batch-size-per-worker", "8", "averaging-frequency", "2",
                "max-rounds", "2", "seed", "5"));
        flags.putAll(Map.of("eval-data", evalData, "ema-decay", "0"));
        return TrainConfig.load(null, flags);
    }

    @Test
    void membersTrainScoreTheTestSetAndARerunLeavesThemAsTheyAre() throws Exception {
        String out = root.resolve("ens").toString();
        EnsembleConfig ens = EnsembleConfig.load(null, Map.of("data", data, "output", out, "members", "3"));
        EnsembleTrainer.Manifest m = EnsembleTrainer.run(spark, ens, base(test), QUIET);
        assertEquals(3, m.members().size());
        assertEquals(List.of("trained", "trained", "trained"), m.members().stream().map(EnsembleTrainer.MemberEntry::status).toList());
        assertEquals(43, m.classes().size());
        // Same initialization seed, different sampling: different parameters; the last member is wider.
        List<String> shas = m.members().stream().map(e -> e.summary().paramsSha256()).toList();
        assertEquals(3, shas.stream().distinct().count());
        assertTrue(m.members().get(2).summary().params() > m.members().get(0).summary().params());
        for (EnsembleTrainer.MemberEntry e : m.members()) {
            assertEquals(5L, e.seed());
            assertEquals(e.samplingSeed(), e.summary().samplingSeed());
            // The eval-data (the Test.csv shards) was scored: all 1,075 test images.
            assertEquals(1075L, e.summary().testExamples());
            double top1 = e.summary().testTop1();
            assertTrue(top1 >= 0 && top1 <= 1, "test top-1 " + top1);
            String dir = e.dir().replace("file:", "");
            List<MetricsLine> metrics = RunRecords.parseMetrics(Files.readString(Path.of(dir, RunRecords.METRICS)), dir);
            ValidationMetrics last = assertInstanceOf(ValidationMetrics.class, metrics.get(metrics.size() - 1));
            assertTrue(last.wallSeconds() > 0);
            assertEquals(top1, last.testTop1(), 1e-12);
        }
        String manifest = Files.readString(Path.of(out, "ensemble.json"));
        assertTrue(manifest.contains("\"sampling_seed\""), manifest);

        // Rerun with the same settings: every member is left as it is.
        EnsembleTrainer.Manifest again = EnsembleTrainer.run(spark, ens, base(test), QUIET);
        assertEquals(List.of("reused", "reused", "reused"), again.members().stream().map(EnsembleTrainer.MemberEntry::status).toList());
        assertEquals(shas, again.members().stream().map(e -> e.summary().paramsSha256()).toList());

        // Other settings into the same output: a clear error, nothing overwritten.
        IllegalArgumentException err = assertThrows(IllegalArgumentException.class, () -> EnsembleTrainer.run(spark,
                EnsembleConfig.load(null, Map.of("data", data, "output", out, "members", "4")), base(test), QUIET));
        assertTrue(err.getMessage().contains("other settings"), err.getMessage());
    }

    /**
     * {@code member-init = trunk}: the trunk trains first for its share of the budget; the members of the train width
     * start from its model, the wide one from its model widened; a rerun leaves the trunk as it is.
     */
    @Test
    void trunkMembersStartFromTheTrunk() throws Exception {
        String out = root.resolve("trunk").toString();
        EnsembleConfig ens = EnsembleConfig.load(null, Map.of("data", data, "output", out, "members", "3",
                "member-init", "trunk", "time-budget", "10m", "trunk-share", "0.3"));
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        EnsembleTrainer.Manifest m = EnsembleTrainer.run(spark, ens, base(""), new PrintStream(log, true,
                java.nio.charset.StandardCharsets.UTF_8));
        String text = log.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(text.contains("[trunk] training the trunk: googlenet width 0.25, seed 5, time-budget 3m (30 % of 10m)"),
                text);
        Path trunkModel = Path.of(out, "trunk", "model.zip");
        assertTrue(Files.exists(trunkModel) && Files.exists(Path.of(out, "trunk", "summary.json")));
        assertEquals("3m", com.typesafe.config.ConfigFactory.parseString(Files.readString(Path.of(out, "trunk",
                "train.conf"))).getString("time-budget"));
        for (EnsembleTrainer.MemberEntry e : m.members()) {
            String dir = e.dir().replace("file:", "");
            String init = com.typesafe.config.ConfigFactory.parseString(Files.readString(Path.of(dir, "train.conf")))
                    .getString("init-model");
            if (e.wide()) {
                assertEquals(trunkModel.toUri().toString().replace("file:///", "file:/"), init, e.name());
                assertTrue(text.contains("[" + e.name() + "] training googlenet width 0.31, from the trunk, widened"), text);
                assertTrue(text.contains("[" + e.name() + "] train: init-model: parameters of ") && text.contains(
                        " widened from "), text);
            } else {
                assertEquals(trunkModel.toUri().toString().replace("file:///", "file:/"), init, e.name());
                assertTrue(text.contains("[" + e.name() + "] training googlenet width 0.25, from the trunk"), text);
                assertTrue(text.contains("[" + e.name() + "] train: init-model: parameters of "), text);
            }
        }
        // The members' shares split what the trunk left of the budget (10m - 3m and a bit), by cost.
        assertTrue(m.members().stream().allMatch(e -> e.timeBudget() != null));
        assertEquals(3, m.members().stream().map(e -> e.summary().paramsSha256()).distinct().count());

        java.io.ByteArrayOutputStream again = new java.io.ByteArrayOutputStream();
        EnsembleTrainer.run(spark, ens, base(""), new PrintStream(again, true, java.nio.charset.StandardCharsets.UTF_8));
        assertTrue(again.toString(java.nio.charset.StandardCharsets.UTF_8).contains("[trunk] already trained"),
                again.toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void anInterruptedMemberResumesToTheSameParameters() throws Exception {
        String out = root.resolve("interrupted").toString();
        EnsembleConfig ens = EnsembleConfig.load(null, Map.of("data", data, "output", out, "members", "2",
                "wide-members", "0"));
        TrainConfig b = base("").with(Map.of("checkpoint-every", "1", "max-rounds", "3"));
        EnsembleTrainer.Manifest full = EnsembleTrainer.run(spark, ens, b, QUIET);
        // Simulate an interruption of member-2 after its first round: keep only its round-1 checkpoint.
        String out2 = root.resolve("interrupted-2").toString();
        EnsembleConfig ens2 = EnsembleConfig.load(null, Map.of("data", data, "output", out2, "members", "2",
                "wide-members", "0"));
        EnsembleMember second = EnsembleMember.plan(ens2, b).get(1);
        EnsembleTrainer.run(spark, EnsembleConfig.load(null, Map.of("data", data, "output", out2, "members", "1",
                "wide-members", "0")), b, QUIET);
        io.sparkinception.trainer.training.DistributedTrainer.run(spark,
                second.trainConfig(b.with(Map.of("max-rounds", "1")), data, out2 + "/member-2", false), QUIET);
        Files.delete(Path.of(out2, "member-2", "summary.json"));
        Files.delete(Path.of(out2, "ensemble.conf"));
        EnsembleTrainer.Manifest resumed = EnsembleTrainer.run(spark, ens2, b, QUIET);
        assertEquals(List.of("reused", "resumed"), resumed.members().stream().map(EnsembleTrainer.MemberEntry::status).toList());
        for (int i = 0; i < 2; i++) {
            assertEquals(full.members().get(i).summary().paramsSha256(), resumed.members().get(i).summary().paramsSha256());
        }
        assertNotEquals(full.members().get(0).summary().paramsSha256(), full.members().get(1).summary().paramsSha256());
    }
}
