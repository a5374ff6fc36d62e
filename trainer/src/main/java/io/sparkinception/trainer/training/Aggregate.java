package io.sparkinception.trainer.training;

import java.io.Serializable;

/**
 * Sums of worker results, one per worker result ({@link #of}) combined by a pure {@link #merge}: the driver divides by {@code workers}
 * to get the averages. Sums are float32 like the parameters; the caller fixes the order in which partition
 * results are combined (floating-point addition is not associative).
 */
public record Aggregate(float[] paramSum, float[] updaterSum, double lossSum, int batches, long examples, int workers,
                        long fitNanos, long setupNanos) implements Serializable {

    public static Aggregate of(WorkerResult r) {
        return new Aggregate(r.params().clone(), r.updaterState().clone(), r.lossSum(), r.batches(), r.examples(), 1,
                r.fitNanos(), r.setupNanos());
    }

    public Aggregate merge(Aggregate o) {
        if (o.paramSum.length != paramSum.length || o.updaterSum.length != updaterSum.length) {
            throw new IllegalArgumentException("cannot merge results of different models: " + paramSum.length + "/"
                    + updaterSum.length + " vs " + o.paramSum.length + "/" + o.updaterSum.length + " values");
        }
        float[] p = paramSum.clone();
        for (int i = 0; i < p.length; i++) {
            p[i] += o.paramSum[i];
        }
        float[] u = updaterSum.clone();
        for (int i = 0; i < u.length; i++) {
            u[i] += o.updaterSum[i];
        }
        return new Aggregate(p, u, lossSum + o.lossSum, batches + o.batches, examples + o.examples, workers + o.workers,
                fitNanos + o.fitNanos, Math.max(setupNanos, o.setupNanos));
    }

    public float[] averageParams() {
        return divide(paramSum, workers);
    }

    public float[] averageUpdaterState() {
        return divide(updaterSum, workers);
    }

    public double meanLoss() {
        return batches == 0 ? Double.NaN : lossSum / batches;
    }

    private static float[] divide(float[] sum, int n) {
        float[] out = new float[sum.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = sum[i] / n;
        }
        return out;
    }
}
