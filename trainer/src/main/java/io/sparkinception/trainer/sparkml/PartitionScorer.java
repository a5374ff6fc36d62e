package io.sparkinception.trainer.sparkml;

import io.sparkinception.trainer.inference.InferenceNetworks;

import io.sparkinception.trainer.kernels.Kernels;
import io.sparkinception.preprocessing.DatasetMetadata;
import io.sparkinception.preprocessing.spark.ShardSchema;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.util.TaskCompletionListener;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Executor side of {@link InceptionClassificationModel#transform}: scores the rows of one partition in batches
 * with a network borrowed from {@link InferenceNetworks} and appends {@code prediction} and {@code probability}
 * to each row. Captures only the broadcast model bytes and plain values.
 */
final class PartitionScorer implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<byte[]> model;
    private final String key;
    private final DatasetMetadata.Spec spec;
    private final int batchSize;
    private final Kernels kernels;

    PartitionScorer(Broadcast<byte[]> model, String key, DatasetMetadata.Spec spec, int batchSize, Kernels kernels) {
        this.kernels = kernels;
        this.model = model;
        this.key = key;
        this.spec = spec;
        this.batchSize = batchSize;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        if (!rows.hasNext()) {
            return rows;
        }
        ComputationGraph g = InferenceNetworks.borrow(key, model.value(), kernels);
        TaskContext task = TaskContext.get();
        boolean[] released = {false};
        Runnable release = () -> {
            if (!released[0]) {
                released[0] = true;
                InferenceNetworks.release(key, kernels, g);
            }
        };
        if (task != null) {
            task.addTaskCompletionListener((TaskCompletionListener) ctx -> release.run());
        }
        return new Iterator<>() {
            private final List<Row> out = new ArrayList<>(batchSize);
            private int next;

            @Override
            public boolean hasNext() {
                if (next < out.size()) {
                    return true;
                }
                out.clear();
                next = 0;
                List<Row> batch = new ArrayList<>(batchSize);
                while (batch.size() < batchSize && rows.hasNext()) {
                    batch.add(rows.next());
                }
                if (batch.isEmpty()) {
                    release.run();
                    return false;
                }
                float[][] probabilities = score(g, batch);
                for (int i = 0; i < batch.size(); i++) {
                    out.add(append(batch.get(i), probabilities[i]));
                }
                return true;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return out.get(next++);
            }
        };
    }

    private float[][] score(ComputationGraph g, List<Row> batch) {
        int size = spec.imageSize();
        int per = spec.channels() * size * size;
        float[] features = new float[batch.size() * per];
        for (int i = 0; i < batch.size(); i++) {
            float[] chw = ShardSchema.pixels(batch.get(i), spec);
            if (chw.length != per) {
                throw new IllegalArgumentException("a row's pixels hold " + chw.length + " values; the model's spec ("
                        + spec.channels() + " x " + size + " x " + size + ") needs " + per);
            }
            System.arraycopy(chw, 0, features, i * per, per);
        }
        INDArray f = Nd4j.create(features, new long[] {batch.size(), spec.channels(), size, size});
        INDArray out = g.output(false, f)[0];
        float[][] probabilities = new float[batch.size()][];
        for (int i = 0; i < batch.size(); i++) {
            probabilities[i] = out.getRow(i).toFloatVector();
        }
        return probabilities;
    }

    private static Row append(Row row, float[] probabilities) {
        Object[] values = new Object[row.length() + 2];
        for (int i = 0; i < row.length(); i++) {
            values[i] = row.get(i);
        }
        double[] p = new double[probabilities.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = probabilities[i];
        }
        values[row.length()] = (double) argmax(p);
        values[row.length() + 1] = Vectors.dense(p);
        return RowFactory.create(values);
    }

    /** The index of the largest value, the first one on ties (as Spark's {@code Vector.argmax}). */
    static int argmax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
