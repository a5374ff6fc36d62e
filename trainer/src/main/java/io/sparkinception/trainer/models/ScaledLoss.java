package io.sparkinception.trainer.models;

import java.util.Objects;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * A loss multiplied by a constant: score and gradient of {@code loss} times {@code weight}. This is how an auxiliary
 * classifier's loss gets its weight (0.3 in GoogLeNet): DL4J sums the scores of a graph's output layers and back-
 * propagates each output's gradient, so scaling one output's loss scales its share of both. Serializes with the graph
 * configuration (Jackson, by class name; the inner loss nests with its own class name).
 */
public final class ScaledLoss implements ILossFunction {

    private final double weight;
    private final ILossFunction loss;

    @JsonCreator
    public ScaledLoss(@JsonProperty("weight") double weight,
                      @JsonProperty("loss") ILossFunction loss) {
        if (!(weight >= 0 && Double.isFinite(weight))) {
            throw new IllegalArgumentException("loss weight must be a finite number >= 0, got " + weight);
        }
        this.weight = weight;
        this.loss = Objects.requireNonNull(loss, "loss");
    }

    @JsonProperty("weight")
    public double getWeight() {
        return weight;
    }

    @JsonProperty("loss")
    public ILossFunction getLoss() {
        return loss;
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask, boolean average) {
        return weight * loss.computeScore(labels, preOutput, activationFn, mask, average);
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        return loss.computeScoreArray(labels, preOutput, activationFn, mask).muli(weight);
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        return loss.computeGradient(labels, preOutput, activationFn, mask).muli(weight);
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
                                                          INDArray mask, boolean average) {
        Pair<Double, INDArray> inner = loss.computeGradientAndScore(labels, preOutput, activationFn, mask, average);
        return new Pair<>(weight * inner.getFirst(), inner.getSecond().muli(weight));
    }

    @Override
    public String name() {
        return toString();
    }

    @Override
    public String toString() {
        return "ScaledLoss(weight=" + weight + ", loss=" + loss + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScaledLoss other && other.weight == weight && other.loss.equals(loss);
    }

    @Override
    public int hashCode() {
        return Double.hashCode(weight) * 31 + loss.hashCode();
    }
}
