package io.sparkinception.trainer.models;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Central finite differences of a graph's training-mode score against its backprop gradient, on a sample of
 * parameters (DL4J's GradientCheckUtil checks every parameter of a graph, too slow for whole Inception nets, and
 * insists on an SGD/NoOp updater). The graph must be in double precision, without dropout or weight decay.
 */
final class FiniteDifferences {

    /** One compared parameter. */
    record Check(String param, long index, double backprop, double numeric) {
        double relativeError() {
            double denom = Math.abs(backprop) + Math.abs(numeric);
            return denom == 0 ? 0 : Math.abs(backprop - numeric) / denom;
        }

        double absoluteError() {
            return Math.abs(backprop - numeric);
        }

        @Override
        public String toString() {
            return param + "[" + index + "]: backprop " + backprop + ", numeric " + numeric;
        }
    }

    private FiniteDifferences() {
    }

    /**
     * Compares {@code perArray} randomly chosen entries of every parameter array whose name passes
     * {@code include}. Batch-norm running statistics are never gradients and are skipped.
     */
    static List<Check> check(ComputationGraph graph, MultiDataSet data, int perArray, long seed, double epsilon,
                             java.util.function.Predicate<String> include) {
        if (graph.params().dataType() != DataType.DOUBLE) {
            throw new IllegalArgumentException("finite differences need a DOUBLE graph, got " + graph.params().dataType());
        }
        graph.setInputs(data.getFeatures());
        graph.setLabels(data.getLabels());
        graph.computeGradientAndScore();
        // Parameters are perturbed through their paramTable() views and compared with the gradient of the same name,
        // element by (logical) index. Backprop gives the sum over the minibatch; the updater divides it by the batch
        // size before use, so we do too.
        long batch = data.getFeatures(0).size(0);
        Map<String, INDArray> gradients = new java.util.LinkedHashMap<>();
        graph.gradient().gradientForVariable().forEach((k, v) -> gradients.put(k, v.dup()));
        Random random = new Random(seed);
        List<Check> checks = new ArrayList<>();
        for (Map.Entry<String, INDArray> e : graph.paramTable().entrySet()) {
            String name = e.getKey();
            if (name.endsWith("_mean") || name.endsWith("_var") || name.endsWith("_log10stdev") || !include.test(name)) {
                continue;
            }
            INDArray p = e.getValue();
            INDArray g = gradients.get(name);
            for (int i = 0; i < perArray; i++) {
                long idx = (long) (random.nextDouble() * p.length());
                long[] at = Shape.ind2subC(p.shape(), idx);
                double original = p.getDouble(at);
                p.putScalar(at, original + epsilon);
                double plus = graph.score(data, true);
                p.putScalar(at, original - epsilon);
                double minus = graph.score(data, true);
                p.putScalar(at, original);
                checks.add(new Check(name, idx, g.getDouble(at) / batch, (plus - minus) / (2 * epsilon)));
            }
        }
        return checks;
    }

    /** The checks that fail both a relative and an absolute tolerance (DL4J's gradient-check convention). */
    static List<Check> failures(List<Check> checks, double maxRelative, double minAbsolute) {
        return checks.stream().filter(c -> c.relativeError() > maxRelative && c.absoluteError() > minAbsolute).toList();
    }
}
