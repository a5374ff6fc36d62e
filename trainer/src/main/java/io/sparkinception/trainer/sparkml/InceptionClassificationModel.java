package io.sparkinception.trainer.sparkml;

import io.sparkinception.common.Json;
import io.sparkinception.trainer.inference.NetworkCache;

import io.sparkinception.trainer.kernels.Kernels;
import io.sparkinception.preprocessing.DatasetMetadata;
import io.sparkinception.preprocessing.MetadataIO;
import io.sparkinception.preprocessing.PixelStorage;
import io.sparkinception.common.HadoopFiles;
import io.sparkinception.preprocessing.spark.ShardSchema;
import io.sparkinception.trainer.training.DistributedTrainer;
import io.sparkinception.trainer.training.RunRecords;
import io.sparkinception.trainer.models.SafeModelLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.IntParam;
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
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * A trained Inception classifier as a Spark ML {@code Model}: {@link #transform} scores rows in the shard
 * schema of {@code preprocess} (only the {@code pixels} column is read; it must be stored as the dataset spec
 * says) and appends {@code prediction} (the class index, a double) and {@code probability} (the softmax output,
 * an ML {@code Vector} of one entry per class). There is no {@code rawPrediction}: the network ends in a softmax
 * and its logits are not an output.
 *
 * <p>Holds the inference network (auxiliary heads removed) as ModelSerializer bytes, the dataset metadata of its
 * training data (image size, normalization, storage, class names) and the trainer's summary and resolved config
 * (its provenance). Saved by {@code write().save(path)} as Spark's {@code metadata/} (params) plus
 * {@code data/inference-model.zip}, {@code data/metadata.json}, {@code data/summary.json} and
 * {@code data/train.conf}; {@link #load} reads it back.
 */
public final class InceptionClassificationModel extends Model<InceptionClassificationModel> implements MLWritable {
    private static final long serialVersionUID = 1L;
    static final String NETWORK = "inference-model.zip";
    static final String SUMMARY = "summary.json";
    static final String TRAIN_CONF = "train.conf";

    private final String uid;
    private final byte[] network;
    private final DatasetMetadata metadata;
    private final DistributedTrainer.Summary summary;
    private final String trainConf;

    private final Param<String> predictionCol;
    private final Param<String> probabilityCol;
    private final IntParam batchSize;
    private final Param<String> kernels;

    InceptionClassificationModel(String uid, byte[] network, DatasetMetadata metadata, DistributedTrainer.Summary summary,
                                 String trainConf) {
        this.uid = uid;
        this.network = network;
        this.metadata = metadata;
        this.summary = summary;
        this.trainConf = trainConf;
        // Params name their parent by uid: create them once the uid is set.
        predictionCol = new Param<>(this, "predictionCol", "output column: the predicted class index");
        probabilityCol = new Param<>(this, "probabilityCol", "output column: the class probabilities (a Vector)");
        batchSize = new IntParam(this, "batchSize", "rows scored together by one network call (>= 1)",
                ParamValidators.gtEq(1));
        setDefault(predictionCol, "prediction");
        setDefault(probabilityCol, "probability");
        kernels = new Param<>(this, "kernels", "CPU kernels of the scoring network: onednn | builtin (see train's kernels)",
                (String v) -> {
                    try {
                        Kernels.of(v);
                        return true;
                    } catch (IllegalArgumentException e) {
                        return false;
                    }
                });
        setDefault(batchSize, 64);
        setDefault(kernels, Kernels.ONEDNN.id());
    }

    public Param<String> kernels() {
        return kernels;
    }

    public Kernels getKernels() {
        return Kernels.of(getOrDefault(kernels));
    }

    public InceptionClassificationModel setKernels(String value) {
        set(kernels, value);
        return this;
    }

    /**
     * The model a {@code train} run wrote to {@code trainOutputDir} (its {@code inference-model.zip},
     * {@code metadata.json}, {@code summary.json}, {@code train.conf}); any Hadoop FS path.
     */
    public static InceptionClassificationModel fromTrainingOutput(HadoopFiles files, String trainOutputDir) throws IOException {
        return readParts(files, trainOutputDir, Identifiable.randomUID("inceptionClassificationModel"));
    }

    private static InceptionClassificationModel readParts(HadoopFiles files, String dir, String uid) throws IOException {
        if (!files.exists(dir + "/" + NETWORK)) {
            throw new IllegalArgumentException("no " + NETWORK + " in " + dir + " (not a finished training run or saved model)");
        }
        DatasetMetadata metadata = MetadataIO.read(files, dir);
        DistributedTrainer.Summary summary = RunRecords.parseSummary(files.readText(dir + "/" + SUMMARY), dir + "/" + SUMMARY);
        byte[] network = files.readBytes(dir + "/" + NETWORK);
        SafeModelLoader.validate(dir + "/" + NETWORK, network);
        return new InceptionClassificationModel(uid, network, metadata, summary,
                files.readText(dir + "/" + TRAIN_CONF));
    }

    @Override
    public String uid() {
        return uid;
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

    public String getPredictionCol() {
        return getOrDefault(predictionCol);
    }

    public String getProbabilityCol() {
        return getOrDefault(probabilityCol);
    }

    public int getBatchSize() {
        return (Integer) getOrDefault(batchSize);
    }

    public InceptionClassificationModel setPredictionCol(String value) {
        set(predictionCol, value);
        return this;
    }

    public InceptionClassificationModel setProbabilityCol(String value) {
        set(probabilityCol, value);
        return this;
    }

    public InceptionClassificationModel setBatchSize(int value) {
        set(batchSize, value);
        return this;
    }

    public int numClasses() {
        return metadata.classes().size();
    }

    /** Class names by index (the {@code prediction} value is an index into this list). */
    public List<String> classNames() {
        List<String> names = new ArrayList<>();
        metadata.classes().forEach(c -> names.add(c.name()));
        return names;
    }

    /** The metadata of the training data: how rows to score must have been preprocessed. */
    public DatasetMetadata datasetMetadata() {
        return metadata;
    }

    /** The trainer's summary of the run that produced this model (rounds, parameter SHA-256, ...). */
    public DistributedTrainer.Summary trainingSummary() {
        return summary;
    }

    /** The resolved training config (HOCON) of the run that produced this model. */
    public String trainConfig() {
        return trainConf;
    }

    /** The inference network as ModelSerializer bytes (a copy). */
    public byte[] networkBytes() {
        return network.clone();
    }

    /** A fresh copy of the inference network. */
    public ComputationGraph network() {
        return NetworkCache.restore(network);
    }

    @Override
    public StructType transformSchema(StructType schema) {
        List<String> names = Arrays.asList(schema.fieldNames());
        if (!names.contains(ShardSchema.PIXELS)) {
            throw new IllegalArgumentException("input has no '" + ShardSchema.PIXELS + "' column (the shard schema of preprocess);"
                    + " columns: " + names);
        }
        DataType actual = schema.apply(ShardSchema.PIXELS).dataType();
        if (!ShardSchema.isPixelsType(metadata.spec().pixelStorage(), actual)) {
            throw new IllegalArgumentException("column '" + ShardSchema.PIXELS + "' is " + actual.simpleString() + " but the model's"
                    + " data stores pixels as " + metadata.spec().storage() + " (" + pixelsTypes(metadata.spec().pixelStorage()) + ")");
        }
        for (String out : List.of(getPredictionCol(), getProbabilityCol())) {
            if (names.contains(out)) {
                throw new IllegalArgumentException("output column '" + out + "' already exists; choose another name");
            }
        }
        if (getPredictionCol().equals(getProbabilityCol())) {
            throw new IllegalArgumentException("predictionCol and probabilityCol are both '" + getPredictionCol() + "'");
        }
        return schema.add(new StructField(getPredictionCol(), DataTypes.DoubleType, false, org.apache.spark.sql.types.Metadata.empty()))
                .add(new StructField(getProbabilityCol(), SQLDataTypes.VectorType(), false,
                        org.apache.spark.sql.types.Metadata.empty()));
    }

    /** The {@code pixels} column types that hold {@code storage}, for messages ({@link ShardSchema#isPixelsType}). */
    static String pixelsTypes(PixelStorage storage) {
        return storage == PixelStorage.FLOAT32 ? "binary, or array<float> in format 1 shards" : "binary";
    }

    /** Scores every row (distributed; one network per concurrent task, cached per executor JVM). */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        Dataset<Row> df = dataset.toDF();
        Broadcast<byte[]> bc = JavaSparkContext.fromSparkContext(df.sparkSession().sparkContext()).broadcast(network);
        return df.mapPartitions(new PartitionScorer(bc, NetworkCache.key(network), metadata.spec(), summary.inputSize(),
                        getBatchSize(), getKernels()),
                Encoders.row(out));
    }

    @Override
    public InceptionClassificationModel copy(ParamMap extra) {
        InceptionClassificationModel copy = new InceptionClassificationModel(uid, network, metadata, summary, trainConf);
        return copyValues(copy, extra).setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    public static MLReader<InceptionClassificationModel> read() {
        return new Reader();
    }

    public static InceptionClassificationModel load(String path) {
        return read().load(path);
    }

    private static final class Writer extends MLWriter {
        private final InceptionClassificationModel model;

        Writer(InceptionClassificationModel model) {
            this.model = model;
        }

        @Override
        public void saveImpl(String path) {
            DefaultParamsWriter.saveMetadata(model, path, sparkSession());
            HadoopFiles files = HadoopFiles.of(sparkSession().sparkContext().hadoopConfiguration());
            String data = path + "/data";
            try {
                files.writeAtomically(data + "/" + NETWORK, model.network);
                MetadataIO.write(files, data, model.metadata);
                files.writeAtomically(data + "/" + SUMMARY, RunRecords.summaryJson(model.summary));
                files.writeAtomically(data + "/" + TRAIN_CONF, model.trainConf);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot save the model to " + path + ": " + e.getMessage(), e);
            }
        }
    }

    private static final class Reader extends MLReader<InceptionClassificationModel> {
        @Override
        public InceptionClassificationModel load(String path) {
            DefaultParamsReader.Metadata params = DefaultParamsReader.loadMetadata(path, sparkSession(),
                    InceptionClassificationModel.class.getName());
            HadoopFiles files = HadoopFiles.of(sparkSession().sparkContext().hadoopConfiguration());
            try {
                InceptionClassificationModel model = readParts(files, path + "/data", params.uid());
                params.getAndSetParams(model, scala.Option.empty());
                return model;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load the model from " + path + ": " + e.getMessage(), e);
            }
        }
    }
}
