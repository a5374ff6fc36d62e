package io.sparkinception.trainer.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.trainer.models.BatchNormRelu;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LocalResponseNormalization;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Every layer type the zoo uses gives the same forward output, parameter gradients and input gradient on DL4J's
 * oneDNN helpers as on its built-in kernels, within {@link #TOLERANCE} of the array's largest magnitude (float32:
 * the two sum in different orders). Each case also proves the oneDNN helper really ran: the helper is wrapped in a
 * counting proxy, and a helper call that returns null (DL4J then silently uses its built-in code) does not count.
 *
 * <p>What DL4J M2.1 does on CPU, found here: convolution and batch norm run forward and backward in their helpers;
 * pooling runs forward in libnd4j's own {@code maxpool2d}/{@code avgpool2d} ops in both modes (the layer never
 * calls its helper forward) and backward in the helper; LRN never gets a helper on CPU
 * ({@code LocalResponseNormalization.initializeHelper} creates one only for the CUDA backend), so GoogLeNet
 * without batch norm keeps LRN on built-in kernels.
 */
class KernelEqualityTest {
    /** Largest allowed |oneDNN - builtin|, relative to max(|builtin|) of the array compared. */
    static final double TOLERANCE = 1e-4;

    @BeforeAll
    static void oneDnnPresent() {
        assertTrue(KernelRuntime.oneDnnAvailable(), "the build ships ND4J's oneDNN binary for linux-x86_64; oneDNN must be available");
    }

    static Stream<Arguments> layers() {
        return Stream.of(
                Arguments.of("conv 3x3/1 Same, bias, ReLU", new ConvolutionLayer.Builder(3, 3).stride(1, 1)
                        .convolutionMode(ConvolutionMode.Same).nOut(12).hasBias(true).activation(Activation.RELU).build(), 8, 13),
                Arguments.of("conv 7x7/2 Same, no bias", new ConvolutionLayer.Builder(7, 7).stride(2, 2)
                        .convolutionMode(ConvolutionMode.Same).nOut(8).hasBias(false).activation(Activation.IDENTITY).build(), 3, 17),
                Arguments.of("conv 1x7/1 Same", new ConvolutionLayer.Builder(1, 7).stride(1, 1)
                        .convolutionMode(ConvolutionMode.Same).nOut(8).hasBias(false).activation(Activation.IDENTITY).build(), 6, 9),
                Arguments.of("conv 7x1/1 Same", new ConvolutionLayer.Builder(7, 1).stride(1, 1)
                        .convolutionMode(ConvolutionMode.Same).nOut(8).hasBias(false).activation(Activation.IDENTITY).build(), 6, 9),
                Arguments.of("conv 3x3/2 Truncate (VALID)", new ConvolutionLayer.Builder(3, 3).stride(2, 2)
                        .convolutionMode(ConvolutionMode.Truncate).nOut(8).hasBias(false).activation(Activation.IDENTITY).build(), 4, 15),
                Arguments.of("conv 1x1", new ConvolutionLayer.Builder(1, 1).convolutionMode(ConvolutionMode.Same).nOut(10)
                        .hasBias(true).activation(Activation.RELU).build(), 16, 7),
                Arguments.of("max pool 3x3/2 Same", new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(3, 3).stride(2, 2)
                        .convolutionMode(ConvolutionMode.Same).build(), 5, 15),
                Arguments.of("max pool 3x3/1 Same", new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(3, 3).stride(1, 1)
                        .convolutionMode(ConvolutionMode.Same).build(), 5, 9),
                Arguments.of("max pool 3x3/2 Truncate", new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(3, 3).stride(2, 2)
                        .convolutionMode(ConvolutionMode.Truncate).build(), 5, 15),
                Arguments.of("avg pool 3x3/1 Same, pad excluded", new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(3, 3)
                        .stride(1, 1).convolutionMode(ConvolutionMode.Same).avgPoolIncludePadInDivisor(false).build(), 5, 9),
                Arguments.of("avg pool 5x5/3 Truncate (aux head)", new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(5, 5)
                        .stride(3, 3).convolutionMode(ConvolutionMode.Truncate).avgPoolIncludePadInDivisor(false).build(), 5, 14),
                Arguments.of("avg pool 5x5/3 Truncate on a 5x5 grid (aux head at 75 px)", new SubsamplingLayer.Builder(PoolingType.AVG)
                        .kernelSize(5, 5).stride(3, 3).convolutionMode(ConvolutionMode.Truncate).avgPoolIncludePadInDivisor(false)
                        .build(), 5, 5),
                Arguments.of("conv 1x1 on a 1x1 grid", new ConvolutionLayer.Builder(1, 1).convolutionMode(ConvolutionMode.Same).nOut(10)
                        .hasBias(false).activation(Activation.IDENTITY).build(), 16, 1),
                Arguments.of("batch norm", new BatchNormalization.Builder().decay(0.9).eps(1e-3).build(), 6, 9),
                Arguments.of("batch norm on a 1x1 grid", new BatchNormalization.Builder().decay(0.9).eps(1e-3).build(), 6, 1),
                Arguments.of("batch norm + ReLU (the zoo's fused layer)", BatchNormRelu.of(0.9, 1e-3), 6, 9),
                Arguments.of("LRN (GoogLeNet's; built-in on CPU in M2.1)", new LocalResponseNormalization.Builder(1, 5, 1e-4 / 5, 0.75).build(), 8, 9));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layers")
    void layerMatchesBuiltinInTrainingAndInference(String name, org.deeplearning4j.nn.conf.layers.Layer conf, int channels, int size) {
        ComputationGraph builtin = KernelRuntime.build(Kernels.BUILTIN, () -> oneLayerGraph(conf, channels, size));
        ComputationGraph onednn = KernelRuntime.build(Kernels.ONEDNN, () -> oneLayerGraph(conf, channels, size));
        Layer b = builtin.getLayer("under_test");
        Layer o = onednn.getLayer("under_test");
        assertEquals(KernelReport.BUILTIN, KernelReport.kernelOf(b), name);
        boolean lrn = conf instanceof LocalResponseNormalization;
        assertEquals(lrn ? KernelReport.BUILTIN : KernelReport.ONEDNN, KernelReport.kernelOf(o), name + ": helper attached");
        assertEquals(builtin.params(), onednn.params(), "same seed, same initial parameters");
        Map<String, Integer> calls = lrn ? Map.of() : HelperCalls.count(o);

        Nd4j.getRandom().setSeed(7);
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, channels, size, size).subi(0.5).muli(4);
        for (boolean training : new boolean[] {true, false}) {
            LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
            INDArray xb = x.dup();
            INDArray xo = x.dup();
            b.setInput(xb, mgr);
            o.setInput(xo, mgr);
            INDArray yb = b.activate(training, mgr).dup();
            INDArray yo = o.activate(training, mgr).dup();
            close(name + (training ? " forward (training)" : " forward (inference)"), yb, yo);
            if (training) {
                Nd4j.getRandom().setSeed(11);
                INDArray eps = Nd4j.rand(DataType.FLOAT, yb.shape()).subi(0.5);
                Pair<Gradient, INDArray> gb = b.backpropGradient(eps.dup(), mgr);
                Pair<Gradient, INDArray> go = o.backpropGradient(eps.dup(), mgr);
                close(name + " input gradient", gb.getSecond(), go.getSecond());
                assertEquals(x, xb, name + ": the built-in backward pass left its input alone");
                assertEquals(x, xo, name + ": the oneDNN backward pass must leave its input alone (other layers read it)");
                for (Map.Entry<String, INDArray> e : gb.getFirst().gradientForVariable().entrySet()) {
                    close(name + " gradient of " + e.getKey(), e.getValue(), go.getFirst().gradientForVariable().get(e.getKey()));
                }
            }
        }
        if (!lrn) {
            assertTrue(calls.getOrDefault("backpropGradient", 0) > 0,
                    name + ": the oneDNN helper's backward pass never ran (the layer fell back to built-in code): " + calls);
            if (!(conf instanceof SubsamplingLayer)) {
                assertTrue(calls.getOrDefault("preOutput", 0) + calls.getOrDefault("activate", 0) >= 2,
                        name + ": the oneDNN helper's forward pass did not run in training and inference: " + calls);
            }
        }
    }

    /** Input -> the layer -> global average pool -> softmax output, seeded; helpers as {@link KernelRuntime#build} set. */
    static ComputationGraph oneLayerGraph(org.deeplearning4j.nn.conf.layers.Layer conf, int channels, int size) {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(123).dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER).graphBuilder().addInputs("in")
                .addLayer("under_test", conf.clone(), "in")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "under_test")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out").setInputTypes(InputType.convolutional(size, size, channels)).build());
        g.init();
        g.initGradientsView();
        return g;
    }

    static void close(String what, INDArray expected, INDArray actual) {
        close(what, expected, actual, TOLERANCE);
    }

    static void close(String what, INDArray expected, INDArray actual, double tolerance) {
        assertNotNull(actual, what + ": missing");
        assertEquals(List.of(box(expected.shape())), List.of(box(actual.shape())), what + ": shape");
        double scale = Math.max(expected.amaxNumber().doubleValue(), 1e-6);
        double diff = expected.castTo(DataType.DOUBLE).sub(actual.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        assertTrue(Double.isFinite(diff) && diff <= tolerance * scale,
                String.format("%s: max |oneDNN - builtin| = %.3g, %.3g of max |builtin| = %.3g (tolerance %.0e)",
                        what, diff, diff / scale, scale, tolerance));
    }

    private static Long[] box(long[] a) {
        List<Long> l = new ArrayList<>();
        for (long v : a) {
            l.add(v);
        }
        return l.toArray(new Long[0]);
    }
}
