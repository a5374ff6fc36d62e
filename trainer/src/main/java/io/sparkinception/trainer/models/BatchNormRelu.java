package io.sparkinception.trainer.models;

import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Batch normalization followed by ReLU in one layer: the configuration of a conv_bn unit's second half.
 *
 * <p>DL4J's {@link BatchNormalization} has no activation, so a unit used to be three layers (convolution, batch norm,
 * {@code ActivationLayer}), each storing its own output for the backward pass: GoogLeNet at 224 px kept 12.9 MB per
 * image three times (BENCHMARKS.md, issue 10). This layer computes batch norm exactly as DL4J does (same code, same
 * oneDNN helper), applies ReLU in place on that output and keeps only the ReLU's output; its backward pass masks the
 * incoming gradient where the output is zero (ReLU's derivative needs only the sign of its output) and hands it to
 * batch norm's own backward pass. Same operations in the same order as the three-layer unit, so the same bits
 * ({@code BatchNormReluTest}), one activation and one gradient array fewer per unit.
 *
 * <p>Serialized by DL4J's configuration JSON under this class's name, like any DL4J layer. Gamma and beta must be
 * learned ({@code lockGammaBeta} would make DL4J's built-in path return its cached normalized input, which the in-place
 * ReLU must not touch).
 */
public class BatchNormRelu extends BatchNormalization {

    /** For Jackson; use {@link #of}. */
    public BatchNormRelu() {
        super();
        setActivationFn(new ActivationReLU());
    }

    /** Batch norm with moving-average {@code decay} and variance {@code epsilon}, then ReLU. */
    public static BatchNormRelu of(double decay, double epsilon) {
        BatchNormRelu layer = new BatchNormRelu();
        layer.setDecay(decay);
        layer.setEps(epsilon);
        return layer;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        LayerValidation.assertNOutSet("BatchNormRelu", getLayerName(), layerIndex, getNOut());
        if (isLockGammaBeta()) {
            throw new IllegalStateException("BatchNormRelu " + getLayerName() + ": lockGammaBeta is not supported");
        }
        BatchNormReluLayer ret = new BatchNormReluLayer(conf, networkDataType);
        ret.setListeners(trainingListeners);
        ret.setIndex(layerIndex);
        ret.setParamsViewArray(layerParamsView);
        Map<String, INDArray> paramTable = initializer().init(conf, layerParamsView, initializeParams);
        ret.setParamTable(paramTable);
        ret.setConf(conf);
        return ret;
    }

    @Override
    public BatchNormRelu clone() {
        return (BatchNormRelu) super.clone();
    }

    /** Never equal to a plain {@link BatchNormalization} with the same settings (Lombok's equals would say so). */
    @Override
    protected boolean canEqual(Object other) {
        return other instanceof BatchNormRelu;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BatchNormRelu && super.equals(o);
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + 1;
    }
}
