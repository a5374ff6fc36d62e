package io.sparkinception.trainer.bench;

import io.sparkinception.common.Json;
import io.sparkinception.preprocessing.DatasetMetadata;
import io.sparkinception.preprocessing.MetadataIO;
import io.sparkinception.common.HadoopFiles;
import io.sparkinception.testing.LocalSpark;
import io.sparkinception.trainer.training.DistributedTrainer;
import io.sparkinception.trainer.training.Example;
import io.sparkinception.trainer.training.RoundMetrics;
import io.sparkinception.trainer.training.RunRecords;
import io.sparkinception.trainer.training.TrainConfig;
import io.sparkinception.trainer.training.TrainingData;
import io.sparkinception.trainer.models.ZooGraph;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.io.output.NullOutputStream;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/** One side of {@link TrainerBenchmark}, in its own JVM: {@code single} or {@code distributed}. */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String data = args[1];
        int rounds = Integer.parseInt(args[2]);
        String width = args[3];
        String out = args[4];
        int workers = 2;
        int b = 32;
        int k = 5;
        Map<String, String> flags = new HashMap<>(Map.of("data", data, "output", out, "family", "googlenet", "width", width,
                "min-filters", "8", "workers", Integer.toString(workers), "batch-size-per-worker", Integer.toString(b),
                "averaging-frequency", Integer.toString(k), "max-rounds", Integer.toString(rounds),
                "validate-every-epochs", "0"));
        flags.putAll(Map.of("augment.random-crop", "false", "augment.brightness", "0", "augment.contrast", "0",
                "augment.saturation", "0", "ema-decay", "0", "checkpoint-every", "100000"));
        TrainConfig cfg = TrainConfig.load(null, flags);
        if (mode.equals("distributed")) {
            SparkSession spark = LocalSpark.start("bench-distributed");
            try {
                DistributedTrainer.Summary s = DistributedTrainer.run(spark, cfg, new PrintStream(NullOutputStream.INSTANCE));
                // The first round builds the networks and fills the caches: report steady state from metrics.jsonl.
                List<RoundMetrics> lines = RunRecords.parseMetrics(Files.readString(Path.of(out, RunRecords.METRICS)), out)
                        .stream().filter(l -> l instanceof RoundMetrics).map(l -> (RoundMetrics) l).toList();
                double seconds = 0;
                double broadcast = 0;
                double fit = 0;
                double round = 0;
                double apply = 0;
                int n = 0;
                for (RoundMetrics m : lines.subList(1, lines.size())) {
                    broadcast += m.broadcastSeconds();
                    fit += m.fitSecondsPerWorker();
                    round += m.roundSeconds();
                    apply += m.applySeconds();
                    n++;
                }
                seconds = broadcast + round + apply;
                double rate = n * (double) workers * b * k / seconds;
                System.out.printf(Locale.ROOT, "RESULT distributed %.2f img/s (rounds 2..%d, %d workers x b %d x k %d; params %d)%n",
                        rate, rounds, workers, b, k, s.params());
                System.out.printf(Locale.ROOT, "OVERHEAD per round: broadcast %.3fs, fit %.3fs/worker, rest of the round (task launch, "
                                + "data, result transfer, aggregation) %.3fs, apply %.3fs%n",
                        broadcast / n, fit / n, (round - fit) / n, apply / n);
            } finally {
                spark.stop();
            }
            return;
        }
        // Single process: the same model and examples, global batch workers x b, one JVM with 2 OpenMP threads.
        SparkSession spark = LocalSpark.start("bench-load");
        List<Example> examples;
        DatasetMetadata metadata;
        try {
            metadata = MetadataIO.read(HadoopFiles.local(), data);
            examples = TrainingData.load(spark, data + "/train", metadata.spec(), 1, StorageLevel.MEMORY_ONLY()).collect();
        } finally {
            spark.stop();
        }
        ZooGraph zoo = DistributedTrainer.model(cfg, metadata);
        ComputationGraph g = zoo.init();
        int global = workers * b;
        int classes = metadata.classes().size();
        int per = examples.get(0).chw().length;
        int size = metadata.spec().imageSize();
        int steps = rounds * k;
        long start = 0;
        for (int step = 0; step < steps; step++) {
            if (step == k) {
                start = System.nanoTime();
            }
            float[] f = new float[global * per];
            float[] l = new float[global * classes];
            for (int i = 0; i < global; i++) {
                Example e = examples.get((step * global + i) % examples.size());
                System.arraycopy(e.chw(), 0, f, i * per, per);
                l[i * classes + e.label()] = 1;
            }
            INDArray labels = Nd4j.create(l, new long[] {global, classes});
            INDArray[] ls = new INDArray[g.getNumOutputArrays()];
            java.util.Arrays.fill(ls, labels);
            g.fit(new MultiDataSet(new INDArray[] {Nd4j.create(f, new long[] {global, 3, size, size})}, ls));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "RESULT single %.2f img/s (steps %d..%d of batch %d, OMP_NUM_THREADS=%s)%n",
                (steps - k) * (double) global / seconds, k + 1, steps, global, System.getenv("OMP_NUM_THREADS"));
    }
}
