package io.sparkinception.trainer.sparkml;

import io.sparkinception.trainer.inference.Combiner;
import io.sparkinception.trainer.inference.NetworkCache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.preprocessing.PixelStorage;
import io.sparkinception.preprocessing.PreprocessConfig;
import io.sparkinception.preprocessing.annotations.SourceSpec;
import io.sparkinception.preprocessing.annotations.Split;
import io.sparkinception.preprocessing.image.Interpolation;
import io.sparkinception.preprocessing.spark.PreprocessPipeline;
import io.sparkinception.preprocessing.synthetic.SyntheticSigns;
import io.sparkinception.testing.LocalSpark;
import io.sparkinception.trainer.training.DistributedTrainer;
import io.sparkinception.trainer.training.TrainConfig;
import java.io.File;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark ML API in local[2] on a small synthetic dataset (the project's generator, preprocessed to 32 px
 * float16 shards): fit, transform, ML persistence, errors, and that fit is the distributed trainer itself.
 */
@Tag("e2e") // fit trains in local[2] (minutes)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InceptionClassifierTest {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
    /** A tiny GoogLeNet trained for three rounds; the same settings drive the direct trainer run. */
    private static final Map<String, String> SETTINGS = Map.of("family", "googlenet", "width", "0.25", "min-filters", "8",
            "workers", "2", "batch-size-per-worker", "8", "averaging-frequency", "2", "seed", "11", "epochs", "1",
            "max-rounds", "3", "validate-every-epochs", "0");

    private SparkSession spark;
    private Path root;
    private String prep;
    private Dataset<Row> train;
    private Dataset<Row> test;
    private InceptionClassificationModel model;

    @BeforeAll
    void prepare(@TempDir Path dir) throws Exception {
        root = dir;
        spark = LocalSpark.start("inception-classifier");
        SyntheticSigns.Written w = new SyntheticSigns(4).write(dir.resolve("signs"), 20, 8, 3);
        prep = dir.resolve("prep").toString();
        String prepTest = dir.resolve("prep-test").toString();
        PreprocessConfig.CropSpec crop = new PreprocessConfig.CropSpec(0.1, true, Interpolation.AREA);
        PreprocessPipeline.run(spark, PreprocessConfig.builder(source(w.trainCsv(), w.classNames()), prep)
                .newSpec(new PreprocessConfig.NewSpec(32, crop, PixelStorage.FLOAT16, false)).seed(5).progressSeconds(60)
                .overwrite(true).build(), QUIET);
        PreprocessPipeline.run(spark, PreprocessConfig.builder(source(w.testCsv(), w.classNames()), prepTest)
                .reuseSpec(prep + "/metadata.json").seed(5).split(Split.TEST).progressSeconds(60).overwrite(true).build(), QUIET);
        train = spark.read().parquet(prep + "/train");
        test = spark.read().parquet(prepTest + "/test").repartition(3);
        model = classifier().fit(train);
    }

    private static SourceSpec source(Path csv, Path names) {
        return new SourceSpec(SourceSpec.Format.GTSRB, csv.toString(), "", names.toString(), null, true);
    }

    /** The estimator with {@link #SETTINGS}, half through typed setters and half through setConfig. */
    private InceptionClassifier classifier() {
        return new InceptionClassifier().setMetadataPath(prep).setWorkDir(root.resolve("work").toString()).setVerbose(false)
                .setFamily("googlenet").setWidth(0.25).setWorkers(2).setBatchSizePerWorker(8).setAveragingFrequency(2)
                .setSeed(11).setMaxEpochs(1)
                .setConfig("min-filters", "8").setConfig("max-rounds", "3").setConfig("validate-every-epochs", "0");
    }

    @AfterAll
    void stop() {
        spark.stop();
    }

    @Test
    void fitRunsTheDistributedTrainerItself() throws Exception {
        String out = root.resolve("direct").toString();
        Map<String, String> flags = new HashMap<>(SETTINGS);
        flags.put("data", prep);
        flags.put("output", out);
        DistributedTrainer.Summary direct = DistributedTrainer.run(spark, TrainConfig.load(null, flags), QUIET);

        DistributedTrainer.Summary fitted = model.trainingSummary();
        assertEquals(3, fitted.rounds());
        assertEquals(direct.examplesSeen(), fitted.examplesSeen());
        assertEquals(direct.paramsSha256(), fitted.paramsSha256(), "fit trains the same parameters as the trainer");
        ComputationGraph directNet = ModelSerializer.restoreComputationGraph(new File(out, "inference-model.zip"), false);
        assertEquals(DistributedTrainer.sha256(directNet.params().toFloatVector()),
                DistributedTrainer.sha256(model.network().params().toFloatVector()), "same inference network");
        assertTrue(model.trainConfig().contains("max-rounds"), model.trainConfig());
        assertFalse(Files.exists(root.resolve("work")) && Files.list(root.resolve("work")).findAny().isPresent(),
                "fit deletes its staging directory");
    }

    @Test
    void transformAddsPredictionAndProbabilityPerRow() {
        Dataset<Row> scored = model.transform(test);
        assertEquals(List.of("prediction", "probability"),
                List.of(scored.columns()).subList(test.columns().length, scored.columns().length));
        List<Row> rows = scored.select("id", "label", "prediction", "probability").collectAsList();
        assertEquals(test.count(), rows.size());
        assertEquals(4, model.numClasses());
        for (Row r : rows) {
            Vector p = r.getAs("probability");
            assertEquals(4, p.size());
            double sum = 0;
            for (double v : p.toArray()) {
                assertTrue(v >= 0 && v <= 1, "probability " + v);
                sum += v;
            }
            assertEquals(1.0, sum, 1e-4, "probabilities sum to 1");
            assertEquals(p.argmax(), r.<Double>getAs("prediction").intValue(), "prediction is the argmax");
        }
        assertTrue(rows.stream().map(r -> r.getAs("probability")).distinct().count() > 1,
                "different images get different probabilities");
    }

    @Test
    void savedAndLoadedModelsPredictIdentically() throws Exception {
        model.setBatchSize(5).setPredictionCol("pred");
        try {
            String path = root.resolve("saved-model").toString();
            model.write().overwrite().save(path);
            model.write().overwrite().save(path);
            InceptionClassificationModel loaded = InceptionClassificationModel.load(path);
            assertEquals(model.uid(), loaded.uid());
            assertEquals(5, loaded.getBatchSize());
            assertEquals("pred", loaded.getPredictionCol());
            assertEquals(model.trainingSummary(), loaded.trainingSummary());
            assertEquals(model.classNames(), loaded.classNames());
            Map<String, Row> before = byId(model.transform(test));
            Map<String, Row> after = byId(loaded.transform(test));
            assertEquals(before.keySet(), after.keySet());
            for (String id : before.keySet()) {
                assertEquals(before.get(id).<Double>getAs("pred"), after.get(id).<Double>getAs("pred"), id);
                assertArrayEquals(before.get(id).<Vector>getAs("probability").toArray(),
                        after.get(id).<Vector>getAs("probability").toArray(), id);
            }
        } finally {
            model.setBatchSize(64).setPredictionCol("prediction");
        }
    }

    private static Map<String, Row> byId(Dataset<Row> scored) {
        Map<String, Row> m = new TreeMap<>();
        scored.collectAsList().forEach(r -> m.put(r.getAs("id"), r));
        return m;
    }

    @Test
    void networksAreRestoredOncePerConcurrentTaskAndReused() {
        model.transform(test).count();
        int afterFirst = NetworkCache.loaded();
        model.transform(test).count();
        model.transform(test.repartition(5)).count();
        assertEquals(afterFirst, NetworkCache.loaded(), "later transforms reuse the executor's networks");
    }

    @Test
    void estimatorParamsSurviveMlPersistence() throws Exception {
        InceptionClassifier c = classifier().setLearningRate(0.01).setRecipe("sgd-momentum");
        String path = root.resolve("saved-estimator").toString();
        c.write().overwrite().save(path);
        InceptionClassifier loaded = InceptionClassifier.load(path);
        assertEquals(c.uid(), loaded.uid());
        assertEquals(c.extractParamMap().toString(), loaded.extractParamMap().toString());
        assertEquals(Map.of("min-filters", "8", "max-rounds", "3", "validate-every-epochs", "0"), loaded.getConf());
        assertEquals(c.trainConfig("d", "o").rendered(), loaded.trainConfig("d", "o").rendered());
        assertNotEquals(new InceptionClassifier().trainConfig("d", "o").rendered(), loaded.trainConfig("d", "o").rendered());
    }

    @Test
    void badParamsAndInputsFailWithClearMessages() {
        assertMessage(() -> classifier().setFamily("alexnet").fit(train), "unknown model family 'alexnet'", "googlenet");
        assertMessage(() -> classifier().setMaxEpochs(0), "maxEpochs");
        assertMessage(() -> classifier().setWidth(-1), "width");
        assertMessage(() -> classifier().setConfig("epochz", "2").fit(train), "unknown setting 'epochz'");
        assertMessage(() -> classifier().setConfig("epochs", "2").fit(train), "'epochs' is given twice");
        assertMessage(() -> classifier().setConfig("output", "/x").fit(train), "fit decides the trainer's output");
        assertMessage(() -> classifier().setConfig("batch-size-per-worker", "0").setBatchSizePerWorker(0).fit(train),
                "batchSizePerWorker");
        assertMessage(() -> new InceptionClassifier().fit(train), "metadataPath is required");
        assertMessage(() -> classifier().fit(train.drop("label")), "no 'label' column");
        assertMessage(() -> classifier().fit(train.withColumn("label", functions.col("label").plus(3))),
                "labels range over", "4 classes");
        assertMessage(() -> classifier().setValidationIndicatorCol("is_val").fit(train), "validationIndicatorCol 'is_val'");
        assertMessage(() -> model.transform(test.drop("pixels")), "no 'pixels' column");
        assertMessage(() -> model.transform(model.transform(test)), "'prediction' already exists");
    }

    private static void assertMessage(Runnable r, String... parts) {
        Exception e = assertThrows(IllegalArgumentException.class, r::run);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should contain '" + part + "'");
        }
    }

    @Test
    void argmaxTakesTheFirstOfEqualMaxima() {
        assertEquals(2, Combiner.argmax(new double[] {0.1, 0.2, 0.7}));
        assertEquals(0, Combiner.argmax(new double[] {0.5, 0.5, 0.0}));
        assertEquals(1, Combiner.argmax(new double[] {0.25, 0.5, 0.25}));
    }
}
