package io.sparkinception.trainer.training;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.preprocessing.DatasetMetadata;
import io.sparkinception.preprocessing.annotations.ClassInfo;
import io.sparkinception.trainer.ensemble.EnsembleConfig;
import io.sparkinception.trainer.evaluation.EvaluateConfig;
import io.sparkinception.trainer.predict.PredictConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Every range check of train, ensemble, evaluate and predict settings is a pure function of the config and the
 * data's metadata (no Spark), and its message names the flag the user typed.
 */
class SettingsValidationTest {
    private static final String DATA = "file:/data/gtsrb-32";

    /** metadata.json of a preprocess output: {@code size} px, {@code classes} classes, {@code train} examples. */
    static DatasetMetadata metadata(int size, int classes, long train) {
        List<ClassInfo> cls = new ArrayList<>();
        for (int i = 0; i < classes; i++) {
            cls.add(new ClassInfo(i, "c" + i, "class " + i));
        }
        DatasetMetadata.Spec spec = new DatasetMetadata.Spec(size, 3, "CHW", "float32", "area", 0.1, true, false,
                new double[] {0, 0, 0}, new double[] {1, 1, 1}, 100);
        Map<String, Long> perSplit = new LinkedHashMap<>();
        if (train > 0) {
            perSplit.put("train", train);
        }
        perSplit.put("val", 5L);
        DatasetMetadata.Counts counts = new DatasetMetadata.Counts(train + 5, train + 5, 0, perSplit, Map.of(), Map.of());
        return new DatasetMetadata(DatasetMetadata.FORMAT_VERSION, "now", Map.of(), null, spec, cls, counts, Map.of(),
                List.of());
    }

    static TrainConfig train(String... kv) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("data", DATA);
        o.put("output", "/tmp/out");
        for (int i = 0; i < kv.length; i += 2) {
            o.put(kv[i], kv[i + 1]);
        }
        return TrainConfig.load(null, o);
    }

    private static void assertMessage(String expected, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(expected, e.getMessage());
    }

    private static void assertMentions(String flag, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(flag), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void widthAndMinFiltersNameTheFlags() {
        assertMessage("--width must be in (0, 4], got 0", () -> train("width", "0"));
        assertMessage("--width must be in (0, 4], got 4.5", () -> train("width", "4.5"));
        assertMentions("width", () -> train("width", "NaN"));
        assertMessage("--min-filters must be >= 1, got 0", () -> train("min-filters", "0"));
        assertDoesNotThrow(() -> train("width", "4"));
    }

    @Test
    void singleTrainSettingsNameTheFlags() {
        assertMessage("--epochs must be >= 1, got 0", () -> train("epochs", "0"));
        assertMessage("--batch-size-per-worker must be >= 1, got 0", () -> train("batch-size-per-worker", "0"));
        assertMessage("--averaging-frequency must be >= 1, got 0", () -> train("averaging-frequency", "0"));
        assertMessage("--workers must be >= 1 (omit it for spark.default.parallelism), got -1", () -> train("workers", "-1"));
        assertMessage("--learning-rate must be > 0 and finite (omit it for the recipe's), got -0.1",
                () -> train("learning-rate", "-0.1"));
        assertMentions("--learning-rate", () -> train("learning-rate", "Infinity"));
        assertMentions("--learning-rate", () -> train("learning-rate", "NaN"));
        assertMentions("--lr-decay-factor", () -> train("lr-decay-factor", "1.5"));
        assertMentions("--lr-decay-epochs", () -> train("lr-decay-epochs", "-1"));
        assertMentions("--ema-decay", () -> train("ema-decay", "1"));
        assertMentions("--batch-norm-decay", () -> train("batch-norm-decay", "1"));
        assertMentions("--label-smoothing", () -> train("label-smoothing", "1"));
        assertMentions("--gradient-clip", () -> train("gradient-clip", "-2"));
        assertMentions("--weight-decay", () -> train("weight-decay", "-0.5"));
        assertMentions("--checkpoint-every", () -> train("checkpoint-every", "0"));
        assertMentions("--storage-level", () -> train("storage-level", "FAST"));
        assertMentions("--augment.min-area", () -> train("augment.min-area", "0"));
        assertMentions("--augment.brightness", () -> train("augment.brightness", "1.5"));
    }

    @Test
    void optionalTrainKeysAreAbsentByDefaultAndTheOldSentinelsSayToOmitTheKey() {
        TrainConfig d = train();
        assertNull(d.maxRounds());
        assertNull(d.workers());
        assertNull(d.samplingSeed());
        assertNull(d.learningRate());
        assertNull(d.labelSmoothing());
        assertNull(d.gradientClip());
        assertNull(d.weightDecay());
        assertNull(d.batchNormDecay());
        assertEquals(d.seed(), d.effectiveSamplingSeed());
        assertEquals(7L, train("sampling-seed", "7").effectiveSamplingSeed());
        // 0 is a value of its own where it has a meaning: no gradient clipping.
        assertEquals(0.0, train("gradient-clip", "0").gradientClip());
        assertEquals(0.0, train("gradient-clip", "0").resolvedRecipe().gradientClipL2());
        assertMessage("--workers must be >= 1 (omit it for spark.default.parallelism), got 0", () -> train("workers", "0"));
        assertMessage("--max-rounds must be >= 1 (omit it for no limit), got 0", () -> train("max-rounds", "0"));
        assertMessage("--sampling-seed must be >= 0 (omit it to use --seed), got -1", () -> train("sampling-seed", "-1"));
        assertMessage("--label-smoothing must be in [0, 1) (omit it for the recipe's), got -1",
                () -> train("label-smoothing", "-1"));
        assertMessage("--weight-decay must be >= 0 (omit it for the family's), got -1", () -> train("weight-decay", "-1"));
        assertMessage("--batch-norm-decay must be in (0, 1) (omit it for the family's), got -1",
                () -> train("batch-norm-decay", "-1"));
        assertMessage("--lr-decay-factor must be in (0, 1] (omit it for the recipe's), got 0",
                () -> train("lr-decay-factor", "0"));
        // with(...) overrides an optional key as it overrides any other.
        assertEquals(5L, d.with(Map.of("max-rounds", "5")).maxRounds());
    }

    @Test
    void inputSizeBelowTheFamilysMinimumIsRefusedFromTheMetadata() {
        assertMessage("--family inception-v3 needs images of at least 75 px, but --data " + DATA + " holds 32 px images"
                        + " (its metadata.json); preprocess with --image-size 75 or more, or choose a family that builds"
                        + " at 32 px (googlenet, bn-inception)",
                () -> TrainPreflight.check(train("family", "inception-v3"), metadata(32, 3, 45), DATA));
        assertDoesNotThrow(() -> TrainPreflight.check(train("family", "inception-v3"), metadata(75, 3, 45), DATA));
        assertDoesNotThrow(() -> TrainPreflight.check(train("family", "googlenet"), metadata(32, 3, 45), DATA));
    }

    @Test
    void inputSizeFlagIsCheckedAgainstTheStoredSizeAndTheFamilysMinimum() {
        assertMessage("--input-size must be >= 1 (omit it for the stored image size), got 0", () -> train("input-size", "0"));
        assertMessage("--input-size 40 is larger than the 32 px images of --data " + DATA + " (its metadata.json):"
                        + " training crops are taken inside the stored image; use --input-size 32 or less, or preprocess"
                        + " with --image-size 40 or more",
                () -> TrainPreflight.check(train("input-size", "40"), metadata(32, 3, 45), DATA));
        assertMessage("--input-size 64 is below the 75 px --family inception-v3 needs; use --input-size 75 or more",
                () -> TrainPreflight.check(train("family", "inception-v3", "input-size", "64"), metadata(96, 3, 45), DATA));
        assertDoesNotThrow(() -> TrainPreflight.check(train("family", "inception-v3", "input-size", "75"),
                metadata(96, 3, 45), DATA));
        assertDoesNotThrow(() -> TrainPreflight.check(train("input-size", "32"), metadata(32, 3, 45), DATA));
        assertEquals(28, train("input-size", "28").effectiveInputSize(32));
        assertEquals(32, train().effectiveInputSize(32));
        // The ensemble checks every member like train does.
        assertMentions("--input-size 40", () -> ensemble("members", "2").check(train("input-size", "40"),
                metadata(32, 3, 45), DATA));
    }

    @Test
    void workersBeyondTheTrainingExamplesAreRefusedUpFront() {
        assertMessage("--workers 100 is more than the 45 training examples: every worker needs at least one; use"
                        + " --workers 45 or fewer",
                () -> TrainPreflight.check(train("workers", "100"), metadata(32, 3, 45), DATA));
        assertDoesNotThrow(() -> TrainPreflight.check(train("workers", "45", "averaging-frequency", "1"),
                metadata(32, 3, 45), DATA));
        // --workers omitted: checked with the session's parallelism, before the first job.
        assertMessage("64 workers (spark.default.parallelism; --workers omitted) is more than the 45 training examples:"
                        + " every worker needs at least one; use --workers 45 or fewer",
                () -> TrainPreflight.checkWorkers(train(), 45, 64));
        assertMentions("no training examples", () -> TrainPreflight.check(train(), metadata(32, 3, 0), DATA));
        assertMentions("at least 2", () -> TrainPreflight.check(train(), metadata(32, 1, 45), DATA));
    }

    @Test
    void averagingFrequencyAboveTheStepsOfAnEpochIsRefusedWithTheLargestAllowed() {
        // 45 examples over 1 worker, batch 32: ceil(45 / 32) = 2 steps per epoch.
        assertMessage("--averaging-frequency 20 is more than the 2 steps of an epoch (45 examples over 1 workers,"
                        + " --batch-size-per-worker 32); the largest allowed is 2",
                () -> TrainPreflight.check(train("workers", "1", "averaging-frequency", "20"), metadata(32, 3, 45), DATA));
        assertDoesNotThrow(() -> TrainPreflight.check(train("workers", "1", "averaging-frequency", "2"),
                metadata(32, 3, 45), DATA));
        // 45 over 2 workers: partitions of 23 and 22, batch 8: ceil(23 / 8) = 3.
        assertEquals(3, TrainPreflight.stepsPerEpoch(45, 2, 8));
        assertMentions("the largest allowed is 3", () -> TrainPreflight.check(train("workers", "2",
                "batch-size-per-worker", "8", "averaging-frequency", "4"), metadata(32, 3, 45), DATA));
    }

    static EnsembleConfig ensemble(String... kv) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("data", DATA);
        o.put("output", "/tmp/ens");
        for (int i = 0; i < kv.length; i += 2) {
            o.put(kv[i], kv[i + 1]);
        }
        return EnsembleConfig.load(null, o);
    }

    @Test
    void ensembleSettingsNameTheFlags() {
        assertMessage("--members must be in 1..64, got 0", () -> ensemble("members", "0"));
        assertMessage("--wide-members must be in 0..--members (3), got 4", () -> ensemble("members", "3", "wide-members", "4"));
        assertMessage("--wide-width must be > 0, got 0.0", () -> ensemble("wide-width", "0"));
        assertMessage("--concurrent must be >= 1, got 0", () -> ensemble("concurrent", "0"));
        assertMessage("--wide-width 2.5 makes the wide members 5.0 wide (--width 2.0 x --wide-width 2.5); the largest"
                + " width is 4.0", () -> ensemble("wide-width", "2.5").check(train("width", "2"), metadata(32, 3, 45), DATA));
        // A family of the list that cannot build at the data's size is named with its member.
        assertMentions("member-2 (inception-v3): --family inception-v3 needs images of at least 75 px",
                () -> ensemble("members", "2", "families", "googlenet,inception-v3")
                        .check(train(), metadata(32, 3, 45), DATA));
        assertMentions("--workers 100", () -> ensemble("members", "2").check(train("workers", "100"), metadata(32, 3, 45), DATA));
        assertDoesNotThrow(() -> ensemble("members", "2").check(train("workers", "2", "averaging-frequency", "1"),
                metadata(32, 3, 45), DATA));
    }

    static Map<String, String> with(Map<String, String> base, String... kv) {
        Map<String, String> o = new LinkedHashMap<>(base);
        for (int i = 0; i < kv.length; i += 2) {
            o.put(kv[i], kv[i + 1]);
        }
        return o;
    }

    @Test
    void evaluateSettingsNameTheFlags() {
        Map<String, String> ok = Map.of("model", "/m", "report", "/r", "data", DATA);
        assertDoesNotThrow(() -> EvaluateConfig.load(null, ok));
        assertMessage("--crops: unknown crop policy '12' (valid: 1, 10, 144)", () -> EvaluateConfig.load(null, with(ok, "crops", "1,12")));
        assertMessage("--crops must list at least one of 1, 10, 144", () -> EvaluateConfig.load(null, with(ok, "crops", ",")));
        assertMessage("--batch-size must be >= 1, got 0", () -> EvaluateConfig.load(null, with(ok, "batch-size", "0")));
        assertMentions("--workers", () -> EvaluateConfig.load(null, with(ok, "workers", "-1")));
        assertMentions("--confused-pairs", () -> EvaluateConfig.load(null, with(ok, "confused-pairs", "-1")));
        assertMessage("--members must be all or >= 1, got 0", () -> EvaluateConfig.load(null, with(ok, "members", "0")));
        assertMessage("--members must be all or a number, got 'best'", () -> EvaluateConfig.load(null, with(ok, "members", "best")));
        assertMentions("--weights", () -> EvaluateConfig.load(null, with(ok, "weights", "best")));
        assertMentions("--crop-reduction", () -> EvaluateConfig.load(null, with(ok, "crop-reduction", "median")));
        assertMentions("--split", () -> EvaluateConfig.load(null, with(ok, "split", "dev")));
    }

    @Test
    void predictSettingsNameTheFlags() {
        Map<String, String> ok = Map.of("model", "/m", "output", "/o", "images", "/photos");
        assertDoesNotThrow(() -> PredictConfig.load(null, ok));
        assertMessage("--batch-size must be >= 1, got 0", () -> PredictConfig.load(null, with(ok, "batch-size", "0")));
        assertMentions("--partitions", () -> PredictConfig.load(null, with(ok, "partitions", "-2")));
        assertMentions("--members", () -> PredictConfig.load(null, with(ok, "members", "-1")));
        assertMentions("--weights", () -> PredictConfig.load(null, with(ok, "weights", "latest")));
        assertMentions("--images-root", () -> PredictConfig.load(null, with(ok, "images-root", "/x")));
    }
}
