package io.sparkinception.trainer.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.testing.LocalSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import io.sparkinception.trainer.kernels.KernelRuntime;
import io.sparkinception.trainer.kernels.Kernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.TestInstance;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import scala.Tuple2;

/**
 * The identities of synchronous parameter averaging: with plain SGD, k = 1 and W equal partitions one round
 * equals one single-process fit of the concatenated W*b minibatch; with one worker, rounds equal uninterrupted
 * single-process training (updater state and schedule position carried over); updater state is averaged.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ParameterAveragingTest {
    static final int SIZE = 8;
    static final int CLASSES = 3;
    private SparkSession spark;
    private JavaSparkContext jsc;

    @BeforeAll
    void start() {
        spark = LocalSpark.start("parameter-averaging");
        jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    }

    @AfterAll
    void stop() {
        spark.stop();
    }

    static String graphJson(IUpdater updater) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(7).updater(updater).weightInit(WeightInit.XAVIER)
                .graphBuilder()
                .addInputs("input")
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build(), "input")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "conv")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out")
                .setInputTypes(InputType.convolutional(SIZE, SIZE, 3))
                .build();
        return conf.toJson();
    }

    static List<Example> examples(int n, long seed) {
        Random r = new Random(seed);
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] x = new float[3 * SIZE * SIZE];
            for (int j = 0; j < x.length; j++) {
                x[j] = (float) r.nextGaussian();
            }
            out.add(new Example(i, r.nextInt(CLASSES), x));
        }
        return out;
    }

    static WorkerSettings settings(String json, int batch, int k, Kernels kernels) {
        return new WorkerSettings(json, batch, k, 99, CLASSES, SIZE, 3, new float[] {0, 0, 0}, new float[] {1, 1, 1},
                Augmentation.NONE, 1, kernels);
    }

    /** Example i goes to partition i % workers, as the trainer's data loader does. */
    JavaRDD<Example> partitioned(List<Example> data, int workers) {
        return jsc.parallelize(data, 1).mapToPair(e -> new Tuple2<>((int) (e.seq() % workers), e))
                .partitionBy(new HashPartitioner(workers)).values();
    }

    /** On the default kernels (oneDNN). */
    static ComputationGraph fresh(String json) {
        return fresh(json, Kernels.ONEDNN);
    }

    static WorkerSettings settings(String json, int batch, int k) {
        return settings(json, batch, k, Kernels.ONEDNN);
    }

    static ComputationGraph fresh(String json, Kernels kernels) {
        return KernelRuntime.build(kernels, () -> {
            ComputationGraph g = new ComputationGraph(ComputationGraphConfiguration.fromJson(json));
            g.init();
            return g;
        });
    }

    static RoundState stateOf(ComputationGraph g, long round, int iteration) {
        return new RoundState(g.params().toFloatVector(), PartitionTrainer.updaterState(g), round, iteration, 0);
    }

    static void assertClose(float[] expected, float[] actual, double relative) {
        assertEquals(expected.length, actual.length);
        double maxAbs = 0;
        for (float v : expected) {
            maxAbs = Math.max(maxAbs, Math.abs(v));
        }
        for (int i = 0; i < expected.length; i++) {
            double tol = relative * Math.max(Math.abs(expected[i]), maxAbs * 1e-3);
            assertTrue(Math.abs(expected[i] - actual[i]) <= tol,
                    "index " + i + ": expected " + expected[i] + ", got " + actual[i]);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Kernels.class)
    void oneSgdRoundEqualsOneFitOfTheConcatenatedMinibatch(Kernels kernels) {
        int workers = 2;
        int b = 4;
        String json = graphJson(new Sgd(0.1));
        List<Example> data = examples(workers * b, 1);
        ComputationGraph driver = fresh(json, kernels);
        ComputationGraph single = fresh(json, kernels);
        assertArrayEquals(single.params().toFloatVector(), driver.params().toFloatVector());

        PartitionTrainer trainer = new PartitionTrainer(settings(json, b, 1, kernels));
        ParameterAveragingMaster master = new ParameterAveragingMaster(jsc, trainer, 1, true);
        master.round(driver, partitioned(data, workers), "identity-sgd", stateOf(driver, 0, 0));

        float[] features = new float[data.size() * 3 * SIZE * SIZE];
        float[] labels = new float[data.size() * CLASSES];
        for (int i = 0; i < data.size(); i++) {
            System.arraycopy(data.get(i).chw(), 0, features, i * 3 * SIZE * SIZE, 3 * SIZE * SIZE);
            labels[i * CLASSES + data.get(i).label()] = 1;
        }
        single.fit(new MultiDataSet(org.nd4j.linalg.factory.Nd4j.create(features, new long[] {data.size(), 3, SIZE, SIZE}),
                org.nd4j.linalg.factory.Nd4j.create(labels, new long[] {data.size(), CLASSES})));
        float[] before = fresh(json, kernels).params().toFloatVector();
        float[] expected = single.params().toFloatVector();
        assertTrue(!java.util.Arrays.equals(before, expected), "the fit changed the parameters");
        assertClose(expected, driver.params().toFloatVector(), 1e-5);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Kernels.class)
    void oneWorkerRoundsEqualUninterruptedSingleProcessTraining(Kernels kernels) {
        int b = 3;
        int k = 2;
        String json = graphJson(new Adam(0.01));
        List<Example> data = examples(7, 2);
        WorkerSettings ws = settings(json, b, k, kernels);
        ComputationGraph driver = fresh(json, kernels);
        ParameterAveragingMaster master = new ParameterAveragingMaster(jsc, new PartitionTrainer(ws), 1, true);
        JavaRDD<Example> rdd = partitioned(data, 1);
        for (int round = 0; round < 3; round++) {
            master.round(driver, rdd, "identity-one-worker", stateOf(driver, round, round * k));
        }
        // Single process: the same minibatch sequence, fitted one after another on one network.
        ComputationGraph single = fresh(json, kernels);
        PartitionTrainer reference = new PartitionTrainer(ws);
        Example[] sorted = data.toArray(new Example[0]);
        for (int step = 0; step < 3 * k; step++) {
            org.nd4j.linalg.factory.Nd4j.getRandom().setSeed(Seeds.mix(99, 1, 0, step));
            single.fit(reference.batch(0, sorted, step, 1));
        }
        assertArrayEquals(single.params().toFloatVector(), driver.params().toFloatVector(),
                "bit-identical: averaging one worker is the identity");
        assertArrayEquals(PartitionTrainer.updaterState(single), PartitionTrainer.updaterState(driver));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Kernels.class)
    void adamStateIsTheHandAverageOfTheWorkersStates(Kernels kernels) {
        int workers = 2;
        int b = 2;
        String json = graphJson(new Adam(0.01));
        List<Example> data = examples(8, 3);
        WorkerSettings ws = settings(json, b, 2, kernels);
        ComputationGraph driver = fresh(json, kernels);
        RoundState state = stateOf(driver, 0, 0);
        ParameterAveragingMaster master = new ParameterAveragingMaster(jsc, new PartitionTrainer(ws), 2, true);
        master.round(driver, partitioned(data, workers), "adam-average", state);

        PartitionTrainer direct = new PartitionTrainer(ws);
        WorkerResult[] r = new WorkerResult[workers];
        for (int p = 0; p < workers; p++) {
            final int part = p;
            Example[] mine = data.stream().filter(e -> e.seq() % workers == part).toArray(Example[]::new);
            r[p] = direct.train(p, mine, state);
        }
        float[] handParams = new float[r[0].params().length];
        float[] handState = new float[r[0].updaterState().length];
        for (int i = 0; i < handParams.length; i++) {
            handParams[i] = (r[0].params()[i] + r[1].params()[i]) / 2;
        }
        for (int i = 0; i < handState.length; i++) {
            handState[i] = (r[0].updaterState()[i] + r[1].updaterState()[i]) / 2;
        }
        assertTrue(handState.length > 0, "Adam has state");
        assertTrue(!java.util.Arrays.equals(r[0].updaterState(), r[1].updaterState()), "workers diverged");
        assertArrayEquals(handParams, driver.params().toFloatVector());
        assertArrayEquals(handState, PartitionTrainer.updaterState(driver));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Kernels.class)
    void withoutUpdaterAveragingTheDriverKeepsItsOwnState(Kernels kernels) {
        String json = graphJson(new Adam(0.01));
        List<Example> data = examples(8, 4);
        ComputationGraph driver = fresh(json, kernels);
        float[] stateBefore = PartitionTrainer.updaterState(driver);
        ParameterAveragingMaster master = new ParameterAveragingMaster(jsc, new PartitionTrainer(settings(json, 2, 1, kernels)), 1, false);
        master.round(driver, partitioned(data, 2), "no-updater-avg", stateOf(driver, 0, 0));
        assertArrayEquals(stateBefore, PartitionTrainer.updaterState(driver));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Kernels.class)
    void aRetriedRoundGivesTheSameBits(Kernels kernels) {
        String json = graphJson(new Adam(0.01));
        List<Example> data = examples(12, 5);
        ComputationGraph a = fresh(json, kernels);
        ComputationGraph b = fresh(json, kernels);
        RoundState s = stateOf(a, 3, 6);
        ParameterAveragingMaster master = new ParameterAveragingMaster(jsc, new PartitionTrainer(settings(json, 2, 2, kernels)), 3, true);
        master.round(a, partitioned(data, 3), "retry-a", s);
        // Another dataset id: the partitions are rebuilt from the RDD, as on a new executor.
        master.round(b, partitioned(data, 3), "retry-b", s);
        assertArrayEquals(a.params().toFloatVector(), b.params().toFloatVector());
        assertArrayEquals(PartitionTrainer.updaterState(a), PartitionTrainer.updaterState(b));
    }
}
