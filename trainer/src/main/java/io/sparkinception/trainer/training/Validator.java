package io.sparkinception.trainer.training;

import io.sparkinception.trainer.kernels.Kernels;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Distributed validation: each partition scores its examples with the broadcast parameters (inference mode,
 * main classifier only, center crop = the stored image) and returns sums; the driver adds them in partition order.
 */
public final class Validator {
    private Validator() {
    }

    public static EvalCounts evaluate(JavaSparkContext jsc, JavaRDD<Example> data, String graphJson, Kernels kernels,
                                      float[] params, int batchSize, int mainOutput, int channels, int size) {
        Broadcast<float[]> bc = jsc.broadcast(params);
        try {
            List<EvalCounts> parts = data.mapPartitions((Iterator<Example> it) -> {
                ComputationGraph g = NetworkPool.borrow(graphJson, kernels);
                try {
                    g.setParams(Nd4j.create(bc.value(), g.params().shape()));
                    EvalCounts sum = EvalCounts.ZERO;
                    List<Example> batch = new ArrayList<>(batchSize);
                    while (it.hasNext()) {
                        batch.add(it.next());
                        if (batch.size() == batchSize || !it.hasNext()) {
                            sum = sum.merge(score(g, batch, mainOutput, channels, size));
                            batch.clear();
                        }
                    }
                    return List.of(sum).iterator();
                } finally {
                    NetworkPool.release(graphJson, kernels, g);
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
        int per = batch.get(0).chw().length;
        float[] features = new float[batch.size() * per];
        for (int i = 0; i < batch.size(); i++) {
            System.arraycopy(batch.get(i).chw(), 0, features, i * per, per);
        }
        INDArray f = Nd4j.create(features, new long[] {batch.size(), channels, size, size});
        INDArray out = g.output(false, f)[mainOutput];
        EvalCounts sum = EvalCounts.ZERO;
        for (int i = 0; i < batch.size(); i++) {
            sum = sum.merge(EvalCounts.of(out.getRow(i).toFloatVector(), batch.get(i).label()));
        }
        return sum;
    }
}
