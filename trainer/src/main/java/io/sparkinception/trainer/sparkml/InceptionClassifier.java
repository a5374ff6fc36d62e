package io.sparkinception.trainer.sparkml;

import io.sparkinception.preprocessing.DatasetMetadata;
import io.sparkinception.preprocessing.MetadataIO;
import io.sparkinception.common.HadoopFiles;
import io.sparkinception.preprocessing.spark.ShardSchema;
import io.sparkinception.trainer.training.DistributedTrainer;
import io.sparkinception.trainer.training.TrainConfig;
import io.sparkinception.trainer.models.ModelFamily;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Trains an Inception-family classifier on a DataFrame of preprocessed rows, as a Spark ML {@code Estimator}:
 * <pre>{@code
 * Dataset<Row> rows = spark.read().parquet(prep + "/train");
 * InceptionClassificationModel model = new InceptionClassifier().setMetadataPath(prep)
 *         .setFamily("googlenet").setWidth(0.25).setMaxEpochs(10).fit(rows);
 * model.transform(spark.read().parquet(prepTest + "/test")).select("label", "prediction", "probability");
 * }</pre>
 *
 * <p>{@link #fit} runs the project's distributed trainer ({@link DistributedTrainer#run}), not a second one: it
 * writes the rows as a {@code train/} split (and, with {@link #setValidationIndicatorCol}, the flagged rows as
 * {@code val/}) plus the dataset's {@code metadata.json} into a fresh directory under {@link #setWorkDir}, trains
 * into a sibling directory with the config built from this estimator's params, loads the inference model it wrote
 * and deletes the directory. The same rows and config give the same parameters, bit for bit, as the
 * {@code train} job.
 *
 * <p>Input: the columns of the shard schema that the trainer reads, {@code seq} (long, the partitioning and
 * ordering key), {@code label} (int class index) and {@code pixels} (stored as the metadata says); other columns
 * are written along and ignored. The rows do not carry the dataset spec (image size, normalization, classes), so
 * {@link #setMetadataPath} is required: the {@code preprocess} output directory the rows come from, or its
 * {@code metadata.json}.
 *
 * <p>Training settings: the typed setters below, plus {@link #setConfig} for any other key of
 * {@code spark-inception.train} (trainer's {@code reference.conf}, e.g. {@code max-rounds}, {@code min-filters},
 * {@code batch-norm-decay}, {@code augment.mirror}). Unset typed params keep the trainer's defaults; a key given
 * both ways is an error. {@code data} and {@code output} belong to {@code fit}.
 */
public final class InceptionClassifier extends Estimator<InceptionClassificationModel> implements MLWritable {
    private static final long serialVersionUID = 1L;
    private static final List<String> OWNED_KEYS = List.of("data", "output");

    private final String uid;

    private final Param<String> metadataPath;
    private final Param<String> workDir;
    private final Param<String> validationIndicatorCol;
    private final StringMapParam conf;
    private final BooleanParam verbose;

    private final Param<String> family;
    private final DoubleParam width;
    private final IntParam maxEpochs;
    private final IntParam batchSizePerWorker;
    private final IntParam averagingFrequency;
    private final IntParam workers;
    private final LongParam seed;
    private final DoubleParam learningRate;
    private final Param<String> recipe;

    private final Param<String> predictionCol;
    private final Param<String> probabilityCol;
    private final IntParam batchSize;

    public InceptionClassifier() {
        this(Identifiable.randomUID("inceptionClassifier"));
    }

    /** For ML persistence (DefaultParamsReader builds estimators by uid). */
    public InceptionClassifier(String uid) {
        this.uid = uid;
        // Params name their parent by uid: create them once the uid is set.
        metadataPath = new Param<>(this, "metadataPath", "the preprocess output directory (or its metadata.json) "
                + "the rows come from; required");
        workDir = new Param<>(this, "workDir", "where fit stages the rows and the training run (deleted "
                + "afterwards); must be readable by every executor (e.g. hdfs://...) on a cluster; empty: the "
                + "driver's java.io.tmpdir, which only local mode can use");
        validationIndicatorCol = new Param<>(this, "validationIndicatorCol", "a boolean column: rows where it is "
                + "true are the validation split, not trained on; empty: no validation");
        conf = new StringMapParam(this, "conf", "settings of spark-inception.train (keys of trainer's "
                + "reference.conf) as strings");
        verbose = new BooleanParam(this, "verbose", "print the trainer's progress lines to stdout");
        family = new Param<>(this, "family", "model family: " + String.join(" | ", ModelFamily.ids()));
        width = new DoubleParam(this, "width", "width multiplier (> 0)", ParamValidators.gt(0));
        maxEpochs = new IntParam(this, "maxEpochs", "passes over the training rows (>= 1)", ParamValidators.gtEq(1));
        batchSizePerWorker = new IntParam(this, "batchSizePerWorker", "minibatch of each worker (>= 1)",
                ParamValidators.gtEq(1));
        averagingFrequency = new IntParam(this, "averagingFrequency", "minibatches each worker fits between two "
                + "averagings (>= 1)", ParamValidators.gtEq(1));
        workers = new IntParam(this, "workers", "parallel workers (>= 1; unset: spark.default.parallelism)",
                ParamValidators.gtEq(1));
        seed = new LongParam(this, "seed", "seed of initialization, data order and sampling");
        learningRate = new DoubleParam(this, "learningRate", "initial learning rate (> 0; unset: the recipe's)",
                ParamValidators.gt(0));
        recipe = new Param<>(this, "recipe", "training recipe: adam | sgd-momentum | rmsprop");
        predictionCol = new Param<>(this, "predictionCol", "output column: the predicted class index");
        probabilityCol = new Param<>(this, "probabilityCol", "output column: the class probabilities (a Vector)");
        batchSize = new IntParam(this, "batchSize", "rows scored together by one network call (>= 1)",
                ParamValidators.gtEq(1));
        TrainConfig d = TrainConfig.load(null, Map.of("data", "-", "output", "-"));
        setDefault(workDir, "");
        setDefault(validationIndicatorCol, "");
        setDefault(conf, StringMapParam.sorted(Map.of()));
        setDefault(verbose, true);
        setDefault(family, d.family().id());
        setDefault(width, d.width());
        setDefault(maxEpochs, d.epochs());
        setDefault(batchSizePerWorker, d.batchSizePerWorker());
        setDefault(averagingFrequency, d.averagingFrequency());
        setDefault(seed, d.seed());
        setDefault(recipe, d.recipe());
        setDefault(predictionCol, "prediction");
        setDefault(probabilityCol, "probability");
        setDefault(batchSize, 64);
    }

    @Override
    public String uid() {
        return uid;
    }

    // ---- params (public accessors: Spark finds params through them) ----

    public Param<String> metadataPath() {
        return metadataPath;
    }

    public Param<String> workDir() {
        return workDir;
    }

    public Param<String> validationIndicatorCol() {
        return validationIndicatorCol;
    }

    public StringMapParam conf() {
        return conf;
    }

    public BooleanParam verbose() {
        return verbose;
    }

    public Param<String> family() {
        return family;
    }

    public DoubleParam width() {
        return width;
    }

    public IntParam maxEpochs() {
        return maxEpochs;
    }

    public IntParam batchSizePerWorker() {
        return batchSizePerWorker;
    }

    public IntParam averagingFrequency() {
        return averagingFrequency;
    }

    public IntParam workers() {
        return workers;
    }

    public LongParam seed() {
        return seed;
    }

    public DoubleParam learningRate() {
        return learningRate;
    }

    public Param<String> recipe() {
        return recipe;
    }

    public Param<String> predictionCol() {
        return predictionCol;
    }

    public Param<String> probabilityCol() {
        return probabilityCol;
    }

    public IntParam batchSize() {
        return batchSize;
    }

    // ---- setters and getters ----

    public InceptionClassifier setMetadataPath(String value) {
        return with(metadataPath, value);
    }

    public InceptionClassifier setWorkDir(String value) {
        return with(workDir, value);
    }

    public InceptionClassifier setValidationIndicatorCol(String value) {
        return with(validationIndicatorCol, value);
    }

    /** Sets one {@code spark-inception.train} key (e.g. {@code "max-rounds", "3"}), keeping the others. */
    public InceptionClassifier setConfig(String key, String value) {
        Map<String, String> m = new TreeMap<>(getConf());
        m.put(key, value);
        return with(conf, StringMapParam.sorted(m));
    }

    /** Replaces every {@code spark-inception.train} key set through {@link #setConfig}. */
    public InceptionClassifier setConf(Map<String, String> value) {
        return with(conf, StringMapParam.sorted(value));
    }

    public InceptionClassifier setVerbose(boolean value) {
        return with(verbose, value);
    }

    public InceptionClassifier setFamily(String value) {
        return with(family, value);
    }

    public InceptionClassifier setWidth(double value) {
        return with(width, value);
    }

    public InceptionClassifier setMaxEpochs(int value) {
        return with(maxEpochs, value);
    }

    public InceptionClassifier setBatchSizePerWorker(int value) {
        return with(batchSizePerWorker, value);
    }

    public InceptionClassifier setAveragingFrequency(int value) {
        return with(averagingFrequency, value);
    }

    public InceptionClassifier setWorkers(int value) {
        return with(workers, value);
    }

    public InceptionClassifier setSeed(long value) {
        return with(seed, value);
    }

    public InceptionClassifier setLearningRate(double value) {
        return with(learningRate, value);
    }

    public InceptionClassifier setRecipe(String value) {
        return with(recipe, value);
    }

    public InceptionClassifier setPredictionCol(String value) {
        return with(predictionCol, value);
    }

    public InceptionClassifier setProbabilityCol(String value) {
        return with(probabilityCol, value);
    }

    public InceptionClassifier setBatchSize(int value) {
        return with(batchSize, value);
    }

    public String getMetadataPath() {
        return isDefined(metadataPath) ? getOrDefault(metadataPath) : "";
    }

    public Map<String, String> getConf() {
        return getOrDefault(conf);
    }

    public String getFamily() {
        return getOrDefault(family);
    }

    public int getMaxEpochs() {
        return (Integer) getOrDefault(maxEpochs);
    }

    private <T> InceptionClassifier with(Param<T> param, T value) {
        set(param, value);
        return this;
    }

    // ---- the trainer's config ----

    /**
     * The trainer's overrides for a run reading {@code data} and writing {@code output}: the {@link #setConfig}
     * keys plus every explicitly set typed param. Validates them by resolving a {@link TrainConfig}.
     */
    public TrainConfig trainConfig(String data, String output) {
        Map<String, String> typed = new LinkedHashMap<>();
        typed.put("family", familyName());
        putIfSet(typed, width, "width");
        putIfSet(typed, maxEpochs, "epochs");
        putIfSet(typed, batchSizePerWorker, "batch-size-per-worker");
        putIfSet(typed, averagingFrequency, "averaging-frequency");
        putIfSet(typed, workers, "workers");
        putIfSet(typed, seed, "seed");
        putIfSet(typed, learningRate, "learning-rate");
        putIfSet(typed, recipe, "recipe");
        if (!isSet(family)) {
            typed.remove("family");
        }
        Map<String, String> overrides = new HashMap<>(getConf());
        for (String owned : OWNED_KEYS) {
            if (overrides.containsKey(owned)) {
                throw new IllegalArgumentException("setConfig(\"" + owned + "\", ...): fit decides the trainer's " + owned
                        + " (see setWorkDir)");
            }
        }
        typed.forEach((key, value) -> {
            if (overrides.containsKey(key)) {
                throw new IllegalArgumentException("training setting '" + key + "' is given twice: by a typed setter ("
                        + value + ") and by setConfig (" + overrides.get(key) + "); keep one");
            }
            overrides.put(key, value);
        });
        overrides.put("data", data);
        overrides.put("output", output);
        return TrainConfig.load(null, overrides);
    }

    private String familyName() {
        return ModelFamily.of(getFamily()).id();
    }

    private void putIfSet(Map<String, String> m, Param<?> p, String key) {
        if (isSet(p)) {
            m.put(key, String.valueOf(getOrDefault(p)));
        }
    }

    // ---- fit ----

    @Override
    public InceptionClassificationModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        if (getMetadataPath().isBlank()) {
            throw new IllegalArgumentException("metadataPath is required: the preprocess output directory (or its metadata.json)"
                    + " the rows come from; it holds the image size, normalization and classes the rows lack");
        }
        SparkSession spark = dataset.sparkSession();
        HadoopFiles files = HadoopFiles.of(spark.sparkContext().hadoopConfiguration());
        String base = getOrDefault(workDir).isBlank() ? System.getProperty("java.io.tmpdir") : getOrDefault(workDir);
        String work = HadoopFiles.resolve(files.qualify(base), "inception-fit-" + UUID.randomUUID());
        String data = work + "/data";
        String output = work + "/train";
        TrainConfig cfg = trainConfig(data, output);
        try {
            DatasetMetadata metadata = MetadataIO.read(files, getMetadataPath());
            checkPixels(dataset.schema(), metadata);
            Dataset<Row> rows = dataset.toDF();
            checkLabels(rows, metadata.classes().size());
            stage(rows, data, files, metadata);
            PrintStream log = (Boolean) getOrDefault(verbose) ? System.out : new PrintStream(OutputStream.nullOutputStream());
            DistributedTrainer.run(spark, cfg, log);
            InceptionClassificationModel model = InceptionClassificationModel.fromTrainingOutput(files, output);
            InceptionClassificationModel withUid = new InceptionClassificationModel(uid, model.networkBytes(),
                    model.datasetMetadata(), model.trainingSummary(), model.trainConfig());
            return copyValues(withUid, ParamMap.empty()).setParent(this);
        } catch (IOException e) {
            throw new UncheckedIOException("fit failed: " + e.getMessage(), e);
        } finally {
            try {
                files.deleteRecursively(work);
            } catch (IOException e) {
                System.err.println("InceptionClassifier: could not delete " + work + ": " + e.getMessage());
            }
        }
    }

    /** Writes the rows as the trainer's input: {@code train/} (and {@code val/}) Parquet plus metadata.json. */
    private void stage(Dataset<Row> rows, String data, HadoopFiles files, DatasetMetadata metadata) throws IOException {
        String indicator = getOrDefault(validationIndicatorCol);
        if (indicator.isBlank()) {
            rows.write().mode(SaveMode.ErrorIfExists).parquet(data + "/train");
        } else {
            rows.filter(functions.not(functions.col(indicator))).drop(indicator)
                    .write().mode(SaveMode.ErrorIfExists).parquet(data + "/train");
            Dataset<Row> val = rows.filter(functions.col(indicator)).drop(indicator);
            if (!val.isEmpty()) {
                val.write().mode(SaveMode.ErrorIfExists).parquet(data + "/val");
            }
        }
        MetadataIO.write(files, data, metadata);
    }

    private static void checkPixels(StructType schema, DatasetMetadata metadata) {
        DataType actual = schema.apply(ShardSchema.PIXELS).dataType();
        if (!ShardSchema.isPixelsType(metadata.spec().pixelStorage(), actual)) {
            throw new IllegalArgumentException("column '" + ShardSchema.PIXELS + "' is " + actual.simpleString()
                    + " but the metadata says pixels are stored as " + metadata.spec().storage() + " ("
                    + InceptionClassificationModel.pixelsTypes(metadata.spec().pixelStorage()) + "): do the rows come from that preprocess output?");
        }
    }

    private static void checkLabels(Dataset<Row> rows, int classes) {
        Row r = rows.agg(functions.min(ShardSchema.LABEL), functions.max(ShardSchema.LABEL), functions.count(functions.lit(1)))
                .head();
        if (r.getLong(2) == 0) {
            throw new IllegalArgumentException("no rows to train on");
        }
        int min = r.getInt(0);
        int max = r.getInt(1);
        if (min < 0 || max >= classes) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "labels range over [%d, %d] but the metadata has %d classes (0..%d)", min, max, classes, classes - 1));
        }
    }

    /** Checks the columns fit needs and returns the schema transform adds to. */
    @Override
    public StructType transformSchema(StructType schema) {
        List<String> names = Arrays.asList(schema.fieldNames());
        Map<String, DataType> required = new LinkedHashMap<>();
        required.put(ShardSchema.SEQ, DataTypes.LongType);
        required.put(ShardSchema.LABEL, DataTypes.IntegerType);
        required.forEach((name, type) -> {
            if (!names.contains(name)) {
                throw new IllegalArgumentException("input has no '" + name + "' column; fit needs the shard schema of"
                        + " preprocess (seq, label, pixels); columns: " + names);
            }
            if (!schema.apply(name).dataType().equals(type)) {
                throw new IllegalArgumentException("column '" + name + "' is " + schema.apply(name).dataType().simpleString()
                        + ", expected " + type.simpleString());
            }
        });
        if (!names.contains(ShardSchema.PIXELS)) {
            throw new IllegalArgumentException("input has no '" + ShardSchema.PIXELS + "' column; columns: " + names);
        }
        String indicator = getOrDefault(validationIndicatorCol);
        if (!indicator.isBlank() && (!names.contains(indicator)
                || !schema.apply(indicator).dataType().equals(DataTypes.BooleanType))) {
            throw new IllegalArgumentException("validationIndicatorCol '" + indicator + "' must name a boolean column; columns: "
                    + names);
        }
        return schema.add(getOrDefault(predictionCol), DataTypes.DoubleType, false)
                .add(getOrDefault(probabilityCol), org.apache.spark.ml.linalg.SQLDataTypes.VectorType(), false);
    }

    @Override
    public InceptionClassifier copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    @Override
    public MLWriter write() {
        return new DefaultParamsWriter(this);
    }

    public static MLReader<InceptionClassifier> read() {
        return new DefaultParamsReader<>();
    }

    public static InceptionClassifier load(String path) {
        return read().load(path);
    }
}
