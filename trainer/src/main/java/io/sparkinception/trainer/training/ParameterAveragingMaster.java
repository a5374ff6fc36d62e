package io.sparkinception.trainer.training;

import io.sparkinception.trainer.training.data.PartitionExamples;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.factory.Nd4j;
import scala.Tuple2;

/**
 * The driver-side role: broadcasts the parameters and updater state, runs one round on every partition,
 * sums the workers' results in partition order through a deterministic tree of the configured depth, and
 * replaces the driver network's parameters (and optionally updater state) by the averages.
 */
public final class ParameterAveragingMaster {
    private final JavaSparkContext jsc;
    private final PartitionTrainer trainer;
    private final int aggregationDepth;
    private final boolean averageUpdaterState;

    public ParameterAveragingMaster(JavaSparkContext jsc, PartitionTrainer trainer, int aggregationDepth,
                                    boolean averageUpdaterState) {
        if (aggregationDepth < 1) {
            throw new IllegalArgumentException("aggregation-depth must be >= 1, got " + aggregationDepth);
        }
        this.jsc = jsc;
        this.trainer = trainer;
        this.aggregationDepth = aggregationDepth;
        this.averageUpdaterState = averageUpdaterState;
    }

    /** Timings and results of one round. */
    public record RoundResult(Aggregate aggregate, long broadcastNanos, long roundNanos, long applyNanos) {
        public String overhead() {
            double fit = aggregate.fitNanos() / 1e9 / aggregate.workers();
            return String.format(Locale.ROOT, "broadcast %.3fs, fit %.3fs/worker, setup %.3fs, round %.3fs, apply %.3fs",
                    broadcastNanos / 1e9, fit, aggregate.setupNanos() / 1e9, roundNanos / 1e9, applyNanos / 1e9);
        }
    }

    /**
     * Runs one round and applies its average to {@code driverGraph}.
     *
     * @param data      the training examples, one partition per worker
     * @param datasetId names the per-JVM partition caches of this dataset
     */
    public RoundResult round(ComputationGraph driverGraph, JavaRDD<Example> data, String datasetId, RoundState state) {
        long t0 = System.nanoTime();
        Broadcast<RoundState> bc = jsc.broadcast(state);
        long t1 = System.nanoTime();
        PartitionTrainer worker = trainer;
        JavaRDD<WorkerResult> results = data.mapPartitionsWithIndex((Integer p, Iterator<Example> it) -> {
            PartitionExamples examples = PartitionData.get(datasetId, p, it);
            return List.of(worker.train(p, examples, bc.value())).iterator();
        }, true);
        Aggregate agg = sumInPartitionOrder(results, aggregationDepth);
        long t2 = System.nanoTime();
        apply(driverGraph, agg, averageUpdaterState);
        bc.destroy();
        long t3 = System.nanoTime();
        return new RoundResult(agg, t1 - t0, t2 - t1, t3 - t2);
    }

    /** Replaces parameters (and updater state) of the driver network by the averages. */
    static void apply(ComputationGraph g, Aggregate agg, boolean averageUpdaterState) {
        g.setParams(Nd4j.create(agg.averageParams(), g.params().shape()));
        if (averageUpdaterState && agg.updaterSum().length > 0) {
            var view = PartitionTrainer.updaterView(g);
            view.assign(Nd4j.create(agg.averageUpdaterState(), view.shape()));
        }
    }

    /**
     * Sums worker results in partition order. Depth 1 collects them to the driver; depth d combines them in
     * d - 1 shuffle levels of fan-in {@code ceil(W^(1/d))}, each group summed in partition order, so the result
     * does not depend on the order in which tasks finish (unlike {@code treeAggregate}).
     */
    static Aggregate sumInPartitionOrder(JavaRDD<WorkerResult> results, int depth) {
        int n = results.getNumPartitions();
        JavaPairRDD<Integer, Aggregate> level = results.mapToPair(r -> new Tuple2<>(r.partition(), Aggregate.of(r)));
        int fanIn = Math.max(2, (int) Math.ceil(Math.pow(n, 1.0 / depth)));
        int groups = n;
        for (int d = 1; d < depth && groups > fanIn; d++) {
            int f = fanIn;
            groups = (groups + f - 1) / f;
            level = level.mapToPair(t -> new Tuple2<>(t._1() / f, t))
                    .groupByKey(groups)
                    .mapToPair(t -> {
                        List<Tuple2<Integer, Aggregate>> members = new ArrayList<>();
                        t._2().forEach(members::add);
                        members.sort(Comparator.comparingInt(Tuple2::_1));
                        Aggregate sum = members.get(0)._2();
                        for (int i = 1; i < members.size(); i++) {
                            sum = sum.merge(members.get(i)._2());
                        }
                        return new Tuple2<>(t._1(), sum);
                    });
        }
        List<Tuple2<Integer, Aggregate>> top = new ArrayList<>(level.collect());
        top.sort(Comparator.comparingInt(Tuple2::_1));
        Aggregate sum = top.get(0)._2();
        for (int i = 1; i < top.size(); i++) {
            sum = sum.merge(top.get(i)._2());
        }
        return sum;
    }
}
