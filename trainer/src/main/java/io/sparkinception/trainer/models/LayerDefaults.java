package io.sparkinception.trainer.models;

import java.io.Serializable;
import org.deeplearning4j.nn.weights.WeightInit;

/**
 * Settings every layer of every family shares, from one place (slim's {@code inception_arg_scope}).
 *
 * @param weightDecay          L2 penalty coefficient on weights (not biases, not batch-norm parameters), applied as
 *                             DL4J's {@code l2}: added to the loss like slim's {@code l2_regularizer}
 * @param batchNormDecay       DL4J's batch-norm decay: running mean = decay * running mean + (1 - decay) * batch mean
 * @param batchNormEpsilon     added to the variance before the square root
 * @param weightInit           initialization of convolution and hidden dense weights
 * @param classifierWeightInit initialization of the softmax classifiers' weights
 */
public record LayerDefaults(double weightDecay, double batchNormDecay, double batchNormEpsilon, WeightInit weightInit,
                            WeightInit classifierWeightInit) implements Serializable {

    /**
     * Slim's weight decay (4e-5) and batch-norm epsilon (0.001) with He initialization (slim's variance scaling, factor
     * 2, fan in). Deviation: batch-norm decay 0.99 (Keras' default) instead of slim's 0.9997, because with 0.9997 the
     * running statistics need about 10^4 steps to forget their initial values, longer than a whole training run on the
     * small data sets this project targets. Classifiers use Xavier so the initial logits stay small.
     */
    public static final LayerDefaults STANDARD = new LayerDefaults(4e-5, 0.99, 1e-3, WeightInit.RELU, WeightInit.XAVIER);

    public LayerDefaults {
        if (!(weightDecay >= 0 && Double.isFinite(weightDecay))) {
            throw new IllegalArgumentException("weightDecay must be a finite number >= 0, got " + weightDecay);
        }
        if (!(batchNormDecay > 0 && batchNormDecay < 1)) {
            throw new IllegalArgumentException("batchNormDecay must be in (0, 1), got " + batchNormDecay);
        }
        if (!(batchNormEpsilon > 0 && Double.isFinite(batchNormEpsilon))) {
            throw new IllegalArgumentException("batchNormEpsilon must be a finite number > 0, got " + batchNormEpsilon);
        }
        if (weightInit == null || classifierWeightInit == null) {
            throw new IllegalArgumentException("weightInit and classifierWeightInit are required");
        }
    }

    public LayerDefaults withWeightDecay(double value) {
        return new LayerDefaults(value, batchNormDecay, batchNormEpsilon, weightInit, classifierWeightInit);
    }

    public LayerDefaults withBatchNorm(double decay, double epsilon) {
        return new LayerDefaults(weightDecay, decay, epsilon, weightInit, classifierWeightInit);
    }
}
