package io.sparkinception.trainer.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.trainer.evaluation.EvaluateConfig;
import io.sparkinception.trainer.evaluation.Evaluation;
import io.sparkinception.trainer.inference.CropPolicy;
import io.sparkinception.trainer.inference.DistributedScorer;
import io.sparkinception.trainer.inference.EvaluationResult;
import io.sparkinception.testing.LocalSpark;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import org.apache.commons.io.output.NullOutputStream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One metrics definition end to end: a tiny model trained one round on generated data reports validation top-1,
 * top-5 and log loss (summary.json); {@code evaluate} of the saved model on the same split with the stored crop
 * reports the same numbers.
 */
class ValidationMatchesEvaluateTest {
    private static final PrintStream QUIET = new PrintStream(NullOutputStream.INSTANCE);

    @Test
    void validationInTrainingAndEvaluateReportTheSameTop1Top5AndLogLoss(@TempDir Path dir) throws Exception {
        SparkSession spark = LocalSpark.start("validation-matches-evaluate");
        try {
            String data = GeneratedData.preprocess(spark, dir, 24);
            String out = dir.resolve("model").toString();
            Map<String, String> train = new java.util.HashMap<>(Map.of("data", data, "output", out, "family", "googlenet",
                    "width", "0.25", "min-filters", "8", "workers", "2", "batch-size-per-worker", "4",
                    "averaging-frequency", "1", "seed", "11"));
            train.putAll(Map.of("validate-every-epochs", "1", "epochs", "1", "max-rounds", "1", "recipe", "sgd-momentum",
                    "augment.random-crop", "false"));
            DistributedTrainer.Summary summary = DistributedTrainer.run(spark, TrainConfig.load(null, train), QUIET);

            Evaluation.Result evaluated = Evaluation.run(spark, EvaluateConfig.load(null, Map.of("model", out,
                    "data", data, "split", "val", "crops", "1", "weights", "final",
                    "report", dir.resolve("report").toString())), QUIET);
            EvaluationResult e = evaluated.metrics().get(DistributedScorer.key(evaluated.bestMember(), CropPolicy.CENTER));

            assertTrue(evaluated.examples() > 0);
            assertEquals(summary.valTop1(), 1 - e.top1Error(), 1e-12, "top-1");
            assertEquals(summary.valTop5(), 1 - e.top5Error(), 1e-12, "top-5");
            // The same per-example losses; summed in partition order by each, so equal up to the last bits.
            assertEquals(summary.valLoss(), e.logLoss(), 1e-12 * Math.abs(e.logLoss()), "log loss");
        } finally {
            spark.stop();
        }
    }
}
