package io.sparkinception.trainer.training;

import io.sparkinception.trainer.inference.BatchScorer;
import io.sparkinception.trainer.inference.CropPolicy;
import io.sparkinception.trainer.inference.CropReduction;
import io.sparkinception.trainer.inference.NetworkCache;
import io.sparkinception.trainer.inference.ScorerSettings;
import io.sparkinception.trainer.kernels.Kernels;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Distributed validation: each partition scores its examples with the broadcast parameters through the inference
 * path of {@code evaluate} ({@link BatchScorer}, one crop: the stored image, or its center window of the input size
 * when the examples are stored larger; the main classifier's output) on a
 * network of the training graph borrowed from the {@link NetworkCache}, and returns sums; the driver adds them in
 * partition order.
 */
public final class Validator {
    /** Examples per forward pass of validation. */
    public static final int BATCH_SIZE = 64;

    private Validator() {
    }

    /**
     * Scores {@code data} with {@code params} on networks of {@code graphJson}, {@code scorer.batchSize()} examples
     * per forward pass, one crop each ({@link CropPolicy#CENTER}: the stored image, or its center window of the
     * network's input size when the examples are stored larger).
     */
    public static EvalCounts evaluate(JavaSparkContext jsc, JavaRDD<Example> data, String graphJson, Kernels kernels,
                                      float[] params, ScorerSettings scorer) {
        int batchSize = scorer.batchSize();
        Broadcast<float[]> bc = jsc.broadcast(params);
        try {
            List<EvalCounts> parts = data.mapPartitions((Iterator<Example> it) -> {
                try (NetworkCache.Lease lease = NetworkCache.borrowGraph(graphJson, kernels)) {
                    ComputationGraph g = lease.graph();
                    g.setParams(Nd4j.create(bc.value(), g.params().shape()));
                    EvalCounts sum = EvalCounts.ZERO;
                    List<Example> batch = new ArrayList<>(batchSize);
                    while (it.hasNext()) {
                        batch.add(it.next());
                        if (batch.size() == batchSize || !it.hasNext()) {
                            sum = sum.merge(score(g, batch, scorer));
                            batch.clear();
                        }
                    }
                    return List.of(sum).iterator();
                }
            }).collect();
            EvalCounts total = EvalCounts.ZERO;
            for (EvalCounts c : parts) {
                total = total.merge(c);
            }
            return total;
        } finally {
            bc.destroy();
        }
    }

    static EvalCounts score(ComputationGraph g, List<Example> batch, int mainOutput, int channels, int size) {
        return score(g, batch, settings(mainOutput, channels, size, size, batch.size()));
    }

    private static EvalCounts score(ComputationGraph g, List<Example> batch, ScorerSettings scorer) {
        double[][] probabilities = BatchScorer.member(g, batch.stream().map(Example::chw).toList(), CropPolicy.CENTER, scorer);
        EvalCounts sum = EvalCounts.ZERO;
        for (int i = 0; i < batch.size(); i++) {
            sum = sum.merge(EvalCounts.of(probabilities[i], batch.get(i).label()));
        }
        return sum;
    }

    /** Validation's scoring: one crop of examples stored at {@code size} for a network input of {@code inputSize}. */
    public static ScorerSettings settings(int mainOutput, int channels, int size, int inputSize, int batchSize) {
        return new ScorerSettings(channels, size, inputSize, batchSize, mainOutput, CropReduction.MEAN, true);
    }
}
