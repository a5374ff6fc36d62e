package io.sparkinception.trainer.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.common.HadoopFiles;
import io.sparkinception.preprocessing.DatasetMetadata;
import io.sparkinception.preprocessing.MetadataIO;
import io.sparkinception.preprocessing.PixelStorage;
import io.sparkinception.testing.FormatOneShards;
import io.sparkinception.testing.LocalSpark;
import io.sparkinception.trainer.kernels.Kernels;
import io.sparkinception.trainer.training.data.LocalCopies;
import io.sparkinception.trainer.training.data.MappedWindows;
import io.sparkinception.trainer.training.data.PartitionExamples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.learning.config.Adam;
import scala.Tuple2;

/**
 * The compact training data path in local[2] on generated shards of each pixel storage: the same examples, bit for
 * bit, and the same parameters as the float32 in-memory path; a deleted local copy is rebuilt with the same bits;
 * a round run again from the same state gives the same bits.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CompactTrainingDataTest {
    /** The paper's sampling without mirroring: every augmentation path runs. */
    private static final Augmentation PAPER_NO_MIRROR =
            new Augmentation(true, 0.08, 1.0, 3.0 / 4, 4.0 / 3, false, 0.2, 0.2, 0.2, true);

    private static final int WORKERS = 2;
    /** Small enough that the copies (about 24 examples of 1.7-6.9 KB per partition) are mapped a few at a time. */
    private static final long CAP = 24 << 10;
    private SparkSession spark;
    private JavaSparkContext jsc;
    private Path root;
    private final Map<PixelStorage, String> data = new ConcurrentHashMap<>();

    @BeforeAll
    void start(@TempDir Path dir) {
        root = dir;
        spark = LocalSpark.start("compact-training-data");
        jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    }

    @AfterAll
    void stop() {
        spark.stop();
    }

    private String data(PixelStorage storage) throws Exception {
        if (!data.containsKey(storage)) {
            data.put(storage, GeneratedData.preprocess(spark, Files.createDirectories(root.resolve(storage.id())), 20, storage, 24));
        }
        return data.get(storage);
    }

    private DatasetMetadata.Spec spec(String prep) throws java.io.IOException {
        return MetadataIO.read(HadoopFiles.local(), prep).spec();
    }

    private JavaRDD<Example> compact(String prep) throws java.io.IOException {
        return TrainingData.loadCompact(spark, prep + "/train", spec(prep), WORKERS, CAP);
    }

    private JavaRDD<Example> floats(String prep) throws java.io.IOException {
        return TrainingData.load(spark, prep + "/train", spec(prep), WORKERS, StorageLevel.MEMORY_ONLY());
    }

    /** Every partition as its worker reads it: (partition, seq, label, pixels) in the order of the partition. */
    private static List<Tuple2<Integer, Example>> asWorkersRead(JavaRDD<Example> rdd, String datasetId) {
        return rdd.mapPartitionsWithIndex((Integer p, java.util.Iterator<Example> it) -> {
            PartitionExamples px = PartitionData.get(datasetId, p, it);
            List<Tuple2<Integer, Example>> out = new ArrayList<>();
            for (int i = 0; i < px.size(); i++) {
                out.add(new Tuple2<>(p, new Example(px.seq(i), px.label(i), px.pixels(i).clone())));
            }
            return out.iterator();
        }, true).collect();
    }

    private WorkerSettings settings(String prep) throws java.io.IOException {
        DatasetMetadata meta = MetadataIO.read(HadoopFiles.local(), prep);
        DatasetMetadata.Spec spec = meta.spec();
        return new WorkerSettings(ParameterAveragingTest.graphJson(new Adam(0.01)), 4, 2, 99, meta.classes().size(),
                spec.imageSize(), spec.channels(), spec.meanFloats(), spec.scale(), PAPER_NO_MIRROR, 1,
                Kernels.ONEDNN);
    }

    /** Runs rounds {@code from..to-1} on {@code g}. */
    private static void rounds(ParameterAveragingMaster master, ComputationGraph g, JavaRDD<Example> rdd, String id,
                               int from, int to) {
        for (int round = from; round < to; round++) {
            master.round(g, rdd, id, ParameterAveragingTest.stateOf(g, round, round * 2));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(PixelStorage.class)
    void workersReadTheSameExamplesBitForBitAsFromTheFloatPath(PixelStorage storage) throws Exception {
        String prep = data(storage);
        String id = "same-examples-" + storage.id();
        List<Tuple2<Integer, Example>> compact = asWorkersRead(compact(prep), id);
        List<Tuple2<Integer, Example>> floats = asWorkersRead(floats(prep), id + "-floats");
        assertEquals(floats.size(), compact.size());
        assertTrue(compact.size() > 40, "both partitions hold examples");
        for (int i = 0; i < floats.size(); i++) {
            assertEquals(floats.get(i)._1(), compact.get(i)._1());
            assertEquals(floats.get(i)._2().seq(), compact.get(i)._2().seq());
            assertEquals(floats.get(i)._2().label(), compact.get(i)._2().label());
            assertArrayEquals(floats.get(i)._2().chw(), compact.get(i)._2().chw(), "example " + floats.get(i)._2().seq());
        }
        for (int p = 0; p < WORKERS; p++) {
            assertTrue(Files.exists(LocalCopies.fileOf(id, p)), "the compact path wrote a local copy of partition " + p);
        }
        long perExample = 3L * 24 * 24 * (storage == PixelStorage.UINT8 ? 1 : storage == PixelStorage.FLOAT16 ? 2 : 4);
        long records = Files.size(LocalCopies.fileOf(id, 0)) + Files.size(LocalCopies.fileOf(id, 1)) - 2 * 32 - 16L * compact.size();
        assertEquals(perExample * compact.size(), records, "the copies hold the stored type, not float32");
        assertTrue(MappedWindows.shared().mappedBytes() <= CAP);
        PartitionData.evict(id);
        assertFalse(Files.exists(LocalCopies.fileOf(id, 0)), "evict deletes this JVM's copies");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(PixelStorage.class)
    void formatOneShardsReadAsTheFloatPathReadsThem(PixelStorage storage) throws Exception {
        String prep = data(storage);
        String old = FormatOneShards.copy(spark, prep, Files.createDirectories(root.resolve("format-1-" + storage.id())));
        String id = "format-1-" + storage.id();
        List<Tuple2<Integer, Example>> compact = asWorkersRead(compact(old), id);
        List<Tuple2<Integer, Example>> floats = asWorkersRead(floats(old), id + "-floats");
        List<Tuple2<Integer, Example>> current = asWorkersRead(floats(prep), id + "-current");
        assertEquals(current.size(), compact.size());
        assertEquals(floats.size(), compact.size());
        for (int i = 0; i < compact.size(); i++) {
            Example c = compact.get(i)._2();
            assertEquals(current.get(i)._2().seq(), c.seq());
            assertArrayEquals(floats.get(i)._2().chw(), c.chw(), "format 1, example " + c.seq());
            if (storage != PixelStorage.FLOAT16) {
                // float16 rounded the normalized values in format 1, the raw ones now; float32 and uint8 agree exactly.
                assertArrayEquals(current.get(i)._2().chw(), c.chw(), "format 1 and 2, example " + c.seq());
            }
        }
        for (String evict : List.of(id, id + "-floats", id + "-current")) {
            PartitionData.evict(evict);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(PixelStorage.class)
    void trainsToTheSameParametersAsTheFloatPathAndRebuildsALostCopy(PixelStorage storage) throws Exception {
        String prep = data(storage);
        WorkerSettings ws = settings(prep);
        String json = ws.graphJson();
        ParameterAveragingMaster master = new ParameterAveragingMaster(jsc, new PartitionTrainer(ws), 2, true);
        String id = "same-params-" + storage.id();

        ComputationGraph reference = ParameterAveragingTest.fresh(json);
        rounds(master, reference, floats(prep), id + "-floats", 0, 4);

        JavaRDD<Example> rdd = compact(prep);
        ComputationGraph g = ParameterAveragingTest.fresh(json);
        rounds(master, g, rdd, id, 0, 2);
        RoundState afterTwo = ParameterAveragingTest.stateOf(g, 2, 4);
        Path copy = LocalCopies.fileOf(id, 1);
        Files.delete(copy);
        rounds(master, g, rdd, id, 2, 4);
        assertTrue(Files.exists(copy), "the lost copy was written again");
        assertFalse(java.util.Arrays.equals(ParameterAveragingTest.fresh(json).params().toFloatVector(),
                g.params().toFloatVector()), "training changed the parameters");
        assertEquals(DistributedTrainer.sha256(reference.params().toFloatVector()),
                DistributedTrainer.sha256(g.params().toFloatVector()), "params hash of the float32 in-memory path");
        assertArrayEquals(PartitionTrainer.updaterState(reference), PartitionTrainer.updaterState(g));

        // Rounds 3-4 again from the state after round 2: on the reused copies, and on copies written anew (another
        // dataset id: a new executor), the same bits.
        for (String again : List.of(id, id + "-new-executor")) {
            ComputationGraph r = ParameterAveragingTest.fresh(json);
            PartitionTrainer.restore(r, afterTwo);
            rounds(master, r, again.equals(id) ? rdd : compact(prep), again, 2, 4);
            assertArrayEquals(g.params().toFloatVector(), r.params().toFloatVector(), again);
            PartitionData.evict(again);
        }
        PartitionData.evict(id + "-floats");
    }

    @org.junit.jupiter.api.Test
    void aRoundOnAnExistingCopyReadsNothingFromTheShuffle() throws Exception {
        String prep = data(PixelStorage.UINT8);
        WorkerSettings ws = settings(prep);
        // Depth 1: the results are collected, so every shuffle block fetched is the data's.
        ParameterAveragingMaster master = new ParameterAveragingMaster(jsc, new PartitionTrainer(ws), 1, true);
        java.util.concurrent.atomic.AtomicLong read = new java.util.concurrent.atomic.AtomicLong();
        org.apache.spark.scheduler.SparkListener listener = new org.apache.spark.scheduler.SparkListener() {
            @Override
            public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd end) {
                if (end.taskMetrics() != null) {
                    read.addAndGet(end.taskMetrics().shuffleReadMetrics().totalBlocksFetched());
                }
            }
        };
        spark.sparkContext().addSparkListener(listener);
        try {
            JavaRDD<Example> rdd = compact(prep);
            ComputationGraph g = ParameterAveragingTest.fresh(ws.graphJson());
            rounds(master, g, rdd, "no-shuffle-read", 0, 1);
            spark.sparkContext().listenerBus().waitUntilEmpty();
            assertTrue(read.get() > 0, "the first round wrote the copies from the shuffle");
            read.set(0);
            rounds(master, g, rdd, "no-shuffle-read", 1, 3);
            spark.sparkContext().listenerBus().waitUntilEmpty();
            assertEquals(0, read.get(), "later rounds fetch no shuffle block: they read the local copies only");
        } finally {
            spark.sparkContext().removeSparkListener(listener);
            PartitionData.evict("no-shuffle-read");
        }
    }
}
