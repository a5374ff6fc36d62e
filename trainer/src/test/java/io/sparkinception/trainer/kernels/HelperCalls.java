package io.sparkinception.trainer.kernels;

import java.lang.reflect.Field;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.AlgoMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.BwdDataAlgo;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.BwdFilterAlgo;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.FwdAlgo;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNSubsamplingHelper;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Test support: replaces a layer's oneDNN helper by a subclass that counts its calls that returned a result (a null
 * result makes DL4J silently use its built-in code). A subclass, not a proxy: DL4J's layers test
 * {@code helper instanceof MKLDNNConvHelper} and take other paths otherwise.
 */
final class HelperCalls {
    private HelperCalls() {
    }

    /** Instruments {@code layer}'s helper; the returned map fills as the layer runs (method name to count). */
    static Map<String, Integer> count(Layer layer) {
        Map<String, Integer> calls = new ConcurrentHashMap<>();
        Object helper = layer.getHelper();
        Object counting;
        if (helper instanceof MKLDNNConvHelper) {
            counting = new Conv(calls);
        } else if (helper instanceof MKLDNNSubsamplingHelper) {
            counting = new Pooling(calls);
        } else if (helper instanceof MKLDNNBatchNormHelper) {
            counting = new BatchNorm(calls);
        } else {
            throw new AssertionError(layer.getClass().getSimpleName() + " has no oneDNN helper to count: " + helper);
        }
        for (Class<?> c = layer.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField("helper");
                f.setAccessible(true);
                f.set(layer, counting);
                return calls;
            } catch (NoSuchFieldException e) {
                // the superclass declares it
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }
        throw new AssertionError(layer.getClass() + " has no helper field");
    }

    private static <T> T counted(Map<String, Integer> calls, String method, T result) {
        if (result != null) {
            calls.merge(method, 1, Integer::sum);
        }
        return result;
    }

    private static final class Conv extends MKLDNNConvHelper {
        private final Map<String, Integer> calls;

        Conv(Map<String, Integer> calls) {
            super(org.nd4j.linalg.api.buffer.DataType.FLOAT);
            this.calls = calls;
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray weights, INDArray bias, INDArray delta,
                int[] kernel, int[] strides, int[] pad, INDArray biasGradView, INDArray weightGradView, IActivation afn,
                AlgoMode mode, BwdFilterAlgo bwdFilterAlgo, BwdDataAlgo bwdDataAlgo, ConvolutionMode convolutionMode,
                int[] dilation, CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
            return counted(calls, "backpropGradient", super.backpropGradient(input, weights, bias, delta, kernel, strides, pad,
                    biasGradView, weightGradView, afn, mode, bwdFilterAlgo, bwdDataAlgo, convolutionMode, dilation, format,
                    workspaceMgr));
        }

        @Override
        public INDArray preOutput(INDArray input, INDArray weights, INDArray bias, int[] kernel, int[] strides, int[] pad,
                AlgoMode mode, FwdAlgo fwdAlgo, ConvolutionMode convolutionMode, int[] dilation, CNN2DFormat format,
                LayerWorkspaceMgr workspaceMgr) {
            return counted(calls, "preOutput", super.preOutput(input, weights, bias, kernel, strides, pad, mode, fwdAlgo,
                    convolutionMode, dilation, format, workspaceMgr));
        }
    }

    private static final class Pooling extends MKLDNNSubsamplingHelper {
        private final Map<String, Integer> calls;

        Pooling(Map<String, Integer> calls) {
            super(org.nd4j.linalg.api.buffer.DataType.FLOAT);
            this.calls = calls;
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray epsilon, int[] kernel, int[] strides,
                int[] pad, PoolingType poolingType, ConvolutionMode convolutionMode, int[] dilation, CNN2DFormat format,
                LayerWorkspaceMgr workspaceMgr) {
            return counted(calls, "backpropGradient", super.backpropGradient(input, epsilon, kernel, strides, pad, poolingType,
                    convolutionMode, dilation, format, workspaceMgr));
        }

        @Override
        public INDArray activate(INDArray input, boolean training, int[] kernel, int[] strides, int[] pad,
                PoolingType poolingType, ConvolutionMode convolutionMode, int[] dilation, CNN2DFormat format,
                LayerWorkspaceMgr workspaceMgr) {
            return counted(calls, "activate", super.activate(input, training, kernel, strides, pad, poolingType,
                    convolutionMode, dilation, format, workspaceMgr));
        }
    }

    private static final class BatchNorm extends MKLDNNBatchNormHelper {
        private final Map<String, Integer> calls;

        BatchNorm(Map<String, Integer> calls) {
            super(org.nd4j.linalg.api.buffer.DataType.FLOAT);
            this.calls = calls;
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray epsilon, long[] shape, INDArray gamma,
                INDArray beta, INDArray dGammaView, INDArray dBetaView, double eps, CNN2DFormat format,
                LayerWorkspaceMgr workspaceMgr) {
            return counted(calls, "backpropGradient", super.backpropGradient(input, epsilon, shape, gamma, beta, dGammaView,
                    dBetaView, eps, format, workspaceMgr));
        }

        @Override
        public INDArray preOutput(INDArray x, boolean training, long[] shape, INDArray gamma, INDArray beta, INDArray mean,
                INDArray var, double decay, double eps, CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
            return counted(calls, "preOutput", super.preOutput(x, training, shape, gamma, beta, mean, var, decay, eps, format,
                    workspaceMgr));
        }
    }
}
