package io.sparkinception.trainer.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.sparkinception.common.HadoopFiles;
import io.sparkinception.preprocessing.DatasetMetadata;
import io.sparkinception.preprocessing.MetadataIO;
import io.sparkinception.preprocessing.PixelStorage;
import io.sparkinception.testing.LocalSpark;
import io.sparkinception.trainer.evaluation.EvaluateConfig;
import io.sparkinception.trainer.evaluation.Evaluation;
import io.sparkinception.trainer.inference.BatchScorer;
import io.sparkinception.trainer.inference.CropPolicy;
import io.sparkinception.trainer.inference.DistributedScorer;
import io.sparkinception.trainer.inference.EvaluationResult;
import io.sparkinception.trainer.inference.NetworkCache;
import io.sparkinception.trainer.inference.ScorerSettings;
import io.sparkinception.trainer.kernels.Kernels;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.io.output.NullOutputStream;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Store larger than you train: generated images stored at 28 px, a GoogLeNet trained at {@code input-size} 24 on
 * crops inside them. It learns; its validation, and {@code evaluate}'s 1-crop policy, score the center 24 x 24
 * window of each stored image; {@code input-size} equal to the stored size trains the same bits as leaving it out.
 */
@Tag("e2e") // five local[2] training runs and an evaluate: minutes, not seconds
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StoredContextTrainingTest {
    private static final PrintStream QUIET = new PrintStream(NullOutputStream.INSTANCE);
    private static final int STORED = 28;
    private static final int INPUT = 24;
    private SparkSession spark;
    private Path root;
    private String data;

    @BeforeAll
    void prepare(@TempDir Path dir) throws Exception {
        root = dir;
        spark = LocalSpark.start("stored-context");
        data = GeneratedData.preprocess(spark, dir, 30, PixelStorage.FLOAT32, STORED);
    }

    @AfterAll
    void stop() {
        spark.stop();
    }

    private TrainConfig config(String output, Map<String, String> extra) {
        Map<String, String> flags = new HashMap<>(Map.of("data", data, "output", output, "family", "googlenet",
                "width", "0.25", "min-filters", "8", "workers", "2", "batch-size-per-worker", "4",
                "averaging-frequency", "2", "seed", "11"));
        flags.putAll(extra);
        return TrainConfig.load(null, flags);
    }

    /** The center {@code INPUT x INPUT} window of a stored CHW example, cut out index by index. */
    private static float[] center(float[] chw) {
        int offset = (STORED - INPUT) / 2;
        float[] out = new float[3 * INPUT * INPUT];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < INPUT; y++) {
                System.arraycopy(chw, (c * STORED + y + offset) * STORED + offset, out, (c * INPUT + y) * INPUT, INPUT);
            }
        }
        return out;
    }

    @Test
    void trainsAtASmallerInputSizeAndValidatesOnTheCenterWindow() throws Exception {
        String out = root.resolve("input-24").toString();
        Map<String, String> flags = new HashMap<>(Map.of("input-size", Integer.toString(INPUT), "epochs", "4",
                "learning-rate", "0.003", "batch-norm-decay", "0.9", "validate-every-epochs", "4",
                "checkpoint-every", "1000", "augment.min-area", "0.5"));
        DistributedTrainer.Summary s = DistributedTrainer.run(spark, config(out, flags), QUIET);
        System.out.printf("generated 3 classes, stored %d px, input %d px, 4 epochs: val top-1 %.4f, loss %.4f%n",
                STORED, INPUT, s.valTop1(), s.valLoss());
        assertEquals(STORED, s.imageSize());
        assertEquals(INPUT, s.inputSize());
        assertEquals(INPUT, ConfigFactory.parseString(Files.readString(Path.of(out, "train.conf"))).getInt("input-size"));
        // Chance is 1/3: the classes differ by their dominant colour, which every crop shows.
        assertTrue(s.valTop1() > 0.6, "val top-1 " + s.valTop1());

        // Validation scored the center 24 x 24 window of each stored val image: the same numbers by hand.
        HadoopFiles files = HadoopFiles.of(spark.sparkContext().hadoopConfiguration());
        DatasetMetadata.Spec spec = MetadataIO.read(files, data).spec();
        List<Example> val = TrainingData.load(spark, data + "/val", spec, 1, StorageLevel.MEMORY_ONLY()).collect()
                .stream().sorted(Comparator.comparingLong(Example::seq)).toList();
        byte[] model = Files.readAllBytes(Path.of(out, "inference-model.zip"));
        double[][] p;
        try (NetworkCache.Lease lease = NetworkCache.borrow(NetworkCache.key(model), model, Kernels.ONEDNN)) {
            p = BatchScorer.member(lease.graph(), val.stream().map(e -> center(e.chw())).toList(), CropPolicy.CENTER,
                    ScorerSettings.storedCrop(3, INPUT, Validator.BATCH_SIZE));
        }
        EvalCounts byHand = EvalCounts.ZERO;
        for (int i = 0; i < val.size(); i++) {
            byHand = byHand.merge(EvalCounts.of(p[i], val.get(i).label()));
        }
        assertEquals(s.valTop1(), byHand.top1Accuracy(), 1e-12, "top-1");
        assertEquals(s.valLoss(), byHand.meanLoss(), 1e-9 * Math.abs(byHand.meanLoss()), "log loss");

        // evaluate learns the input size from summary.json: its 1-crop policy is the same center window.
        Evaluation.Result evaluated = Evaluation.run(spark, EvaluateConfig.load(null, Map.of("model", out,
                "data", data, "split", "val", "crops", "1,10", "report", root.resolve("report").toString())), QUIET);
        EvaluationResult one = evaluated.metrics().get(DistributedScorer.key(evaluated.bestMember(), CropPolicy.CENTER));
        assertEquals(val.size(), evaluated.examples());
        assertEquals(byHand.top1Accuracy(), 1 - one.top1Error(), 1e-12, "evaluate top-1");
        assertEquals(byHand.meanLoss(), one.logLoss(), 1e-9 * Math.abs(one.logLoss()), "evaluate log loss");
    }

    @Test
    void inputSizeEqualToTheStoredSizeTrainsTheSameBitsAsLeavingItOut() throws Exception {
        Map<String, String> common = Map.of("epochs", "1", "max-rounds", "2", "validate-every-epochs", "0",
                "recipe", "sgd-momentum");
        DistributedTrainer.Summary unset = DistributedTrainer.run(spark, config(root.resolve("unset").toString(), common),
                QUIET);
        Map<String, String> same = new HashMap<>(common);
        same.put("input-size", Integer.toString(STORED));
        DistributedTrainer.Summary equal = DistributedTrainer.run(spark, config(root.resolve("equal").toString(), same),
                QUIET);
        assertEquals(unset.paramsSha256(), equal.paramsSha256());
        assertEquals(STORED, unset.inputSize());
        Map<String, String> smaller = new HashMap<>(common);
        smaller.put("input-size", Integer.toString(INPUT));
        DistributedTrainer.Summary cropped = DistributedTrainer.run(spark, config(root.resolve("smaller").toString(),
                smaller), QUIET);
        assertNotEquals(unset.paramsSha256(), cropped.paramsSha256(), "a smaller input trains on other pixels");
    }
}
