package io.sparkinception.trainer.training;

import io.sparkinception.preprocessing.DatasetMetadata;
import io.sparkinception.trainer.models.ModelFamily;

/**
 * The checks of a training run's settings against the data it will train on, before any Spark job: pure functions
 * of the {@link TrainConfig} and the data's {@code metadata.json}, with messages that name the flags. The range
 * checks of single settings live in {@link TrainConfig}'s constructor; these are the ones that need the data.
 *
 * <p>Partitions: example {@code seq} goes to partition {@code seq % workers} ({@link TrainingData}), so with n
 * training examples the partitions hold {@code floor(n / workers)} or {@code ceil(n / workers)} examples and an
 * epoch is {@code ceil(ceil(n / workers) / batch)} steps ({@link DistributedTrainer}).
 */
public final class TrainPreflight {
    private TrainPreflight() {
    }

    /**
     * Everything that can be checked without a SparkSession, the counts taken from metadata.json. The worker count
     * is checked here when {@code --workers} is set; with {@code --workers 0} it is spark.default.parallelism, known
     * only once the session exists: {@link DistributedTrainer} then calls {@link #checkWorkers} with the examples it
     * loaded, before the first round.
     *
     * @param dataDir the data directory, for messages
     */
    public static void check(TrainConfig cfg, DatasetMetadata data, String dataDir) {
        checkModel(cfg, data, dataDir);
        long examples = trainingExamples(data);
        if (examples == 0) {
            throw new IllegalArgumentException("--data " + dataDir + " has no training examples (its train split is empty"
                    + " or missing)");
        }
        if (cfg.workers() != null) {
            checkWorkers(cfg, examples, cfg.workers());
        }
    }

    /**
     * The checks of the model against the data's spec alone (not its counts): the family's minimum input size,
     * {@code --input-size} against the stored size, and the number of classes. {@link DistributedTrainer} runs them itself, before its first job; the counts it
     * checks on the partitions it loaded (the Spark ML API stages rows whose count the metadata does not give).
     */
    public static void checkModel(TrainConfig cfg, DatasetMetadata data, String dataDir) {
        ModelFamily family = cfg.family();
        int size = data.spec().imageSize();
        int minimum = family.net().minimumInputSize();
        if (size < minimum) {
            throw new IllegalArgumentException("--family " + family.id() + " needs images of at least " + minimum
                    + " px, but --data " + dataDir + " holds " + size + " px images (its metadata.json); preprocess with"
                    + " --image-size " + minimum + " or more, or choose a family that builds at " + size + " px ("
                    + String.join(", ", java.util.Arrays.stream(ModelFamily.values())
                            .filter(f -> f.net().minimumInputSize() <= size).map(ModelFamily::id).toList()) + ")");
        }
        checkInputSize(cfg, size, dataDir);
        if (data.classes().size() < 2) {
            throw new IllegalArgumentException("--data " + dataDir + " has " + data.classes().size()
                    + " class; training needs at least 2");
        }
    }

    /**
     * {@code --input-size}, when set: at most the stored size (training crops are taken inside the stored image)
     * and at least the family's minimum input size.
     */
    static void checkInputSize(TrainConfig cfg, int storedSize, String dataDir) {
        if (cfg.inputSize() == null) {
            return;
        }
        int input = cfg.inputSize();
        if (input > storedSize) {
            throw new IllegalArgumentException("--input-size " + input + " is larger than the " + storedSize
                    + " px images of --data " + dataDir + " (its metadata.json): training crops are taken inside the"
                    + " stored image; use --input-size " + storedSize + " or less, or preprocess with --image-size "
                    + input + " or more");
        }
        int minimum = cfg.family().net().minimumInputSize();
        if (input < minimum) {
            throw new IllegalArgumentException("--input-size " + input + " is below the " + minimum + " px --family "
                    + cfg.family().id() + " needs; use --input-size " + minimum + " or more");
        }
    }

    /**
     * The checks that depend on the worker count: every worker gets at least one example, and the averaging
     * frequency does not exceed the steps of an epoch (a larger one would make a round pass over a partition
     * several times while the log still counts one epoch).
     *
     * @param examples the training examples
     * @param workers  the resolved worker count ({@code --workers}, or spark.default.parallelism when it is omitted)
     */
    public static void checkWorkers(TrainConfig cfg, long examples, int workers) {
        String source = cfg.workers() != null ? "--workers " + workers
                : workers + " workers (spark.default.parallelism; --workers omitted)";
        if (workers > examples) {
            throw new IllegalArgumentException(source + " is more than the " + examples + " training examples: every"
                    + " worker needs at least one; use --workers " + examples + " or fewer");
        }
        long steps = stepsPerEpoch(examples, workers, cfg.batchSizePerWorker());
        if (cfg.averagingFrequency() > steps) {
            throw new IllegalArgumentException("--averaging-frequency " + cfg.averagingFrequency() + " is more than the "
                    + steps + " steps of an epoch (" + examples + " examples over " + workers + " workers, "
                    + "--batch-size-per-worker " + cfg.batchSizePerWorker() + "); the largest allowed is " + steps);
        }
    }

    /** Steps of one epoch of the largest partition: {@code ceil(ceil(examples / workers) / batch)}. */
    public static long stepsPerEpoch(long examples, int workers, int batch) {
        long largest = (examples + workers - 1) / workers;
        return (largest + batch - 1) / batch;
    }

    /** Training examples written by preprocess ({@code counts.per_split.train} of metadata.json). */
    public static long trainingExamples(DatasetMetadata data) {
        if (data.counts() == null || data.counts().perSplit() == null) {
            return 0;
        }
        return data.counts().perSplit().getOrDefault("train", 0L);
    }
}
