package io.sparkinception.trainer.models;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Multi-class cross entropy against smoothed labels (Szegedy et al. 2016, section 7): every one-hot label row {@code y}
 * over {@code K} classes becomes {@code y' = (1 - eps) y + eps / K} before DL4J's {@link LossMCXENT} sees it. With a
 * softmax output the gradient stays {@code p - y'}. Serializes with the graph configuration (Jackson, by class name).
 */
public final class LabelSmoothingCrossEntropy extends LossMCXENT {

    private final double smoothing;

    @JsonCreator
    public LabelSmoothingCrossEntropy(@JsonProperty("smoothing") double smoothing) {
        if (!(smoothing > 0 && smoothing < 1)) {
            throw new IllegalArgumentException("label smoothing must be in (0, 1) (use LossMCXENT for none), got " + smoothing);
        }
        this.smoothing = smoothing;
    }

    @JsonProperty("smoothing")
    public double getSmoothing() {
        return smoothing;
    }

    /** {@code (1 - eps) y + eps / K}, a new array; K is the number of columns. */
    public INDArray smooth(INDArray labels) {
        long classes = labels.size(1);
        return labels.mul(1.0 - smoothing).addi(smoothing / classes);
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask, boolean average) {
        return super.computeScore(smooth(labels.castTo(preOutput.dataType())), preOutput, activationFn, mask, average);
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        return super.computeScoreArray(smooth(labels.castTo(preOutput.dataType())), preOutput, activationFn, mask);
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        return super.computeGradient(smooth(labels.castTo(preOutput.dataType())), preOutput, activationFn, mask);
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
                                                          INDArray mask, boolean average) {
        INDArray smoothed = smooth(labels.castTo(preOutput.dataType()));
        return new Pair<>(super.computeScore(smoothed, preOutput, activationFn, mask, average),
                super.computeGradient(smoothed, preOutput, activationFn, mask));
    }

    @Override
    public String name() {
        return toString();
    }

    @Override
    public String toString() {
        return "LabelSmoothingCrossEntropy(smoothing=" + smoothing + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelSmoothingCrossEntropy other && other.smoothing == smoothing
                && other.softmaxClipEps == softmaxClipEps;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(smoothing) * 31 + Double.hashCode(softmaxClipEps);
    }
}
