package io.sparkinception.trainer.models;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinearDerivative;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The runtime layer of {@link BatchNormRelu}: DL4J's batch norm (built-in or oneDNN, whichever DL4J attached) with
 * ReLU applied in place on its output.
 *
 * <p>Forward: {@code out = relu(bn(x))}, written over batch norm's fresh output array (the op DL4J's
 * {@code ActivationReLU} runs). Backward: {@code dL/dbn = dL/dout} where {@code out > 0}, else 0 (the op
 * {@code ActivationReLU.backprop} runs, on the output instead of the input: both are positive at the same places),
 * into one scratch array of the layer's working memory, then batch norm's own backward pass.
 */
public class BatchNormReluLayer extends BatchNormalization {
    /** This layer's last training-mode output, the ReLU mask of the backward pass (the next layer's input too). */
    private INDArray output;

    public BatchNormReluLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray out = super.activate(training, workspaceMgr);
        Nd4j.getExecutioner().exec(new RectifiedLinear(out, out));
        output = training ? out : null;
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (output == null) {
            throw new IllegalStateException(layerId() + ": backward pass without a training-mode forward pass");
        }
        INDArray masked = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, output.dataType(),
                output.shape(), output.ordering());
        Nd4j.getExecutioner().exec(new RectifiedLinearDerivative(output, epsilon, masked, 0.0));
        return super.backpropGradient(masked, workspaceMgr);
    }

    @Override
    public void clear() {
        super.clear();
        output = null;
    }
}
