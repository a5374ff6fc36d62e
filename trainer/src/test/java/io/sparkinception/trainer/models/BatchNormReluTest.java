package io.sparkinception.trainer.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.trainer.kernels.KernelRuntime;
import io.sparkinception.trainer.kernels.Kernels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;

/**
 * The fused batch norm + ReLU layer computes exactly what DL4J's batch norm followed by a ReLU {@code ActivationLayer}
 * computed: a network built with the fused layer and the same network rewritten to the three-layer units, started from
 * the same parameters, produce bit-identical outputs and train to bit-identical parameters (and batch-norm
 * statistics), on the built-in kernels and on oneDNN. Bits, not a tolerance: both run the same operations in the same
 * order.
 */
class BatchNormReluTest {
    /** Where a conv_bn unit's batch norm sat when it was a layer of its own ({@code <unit>/BatchNorm}, before the fusion). */
    private static final String OLD_BATCH_NORM = "BatchNorm";

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({"GOOGLENET, ONEDNN", "GOOGLENET, BUILTIN", "INCEPTION_V3, ONEDNN", "INCEPTION_RESNET_V2, ONEDNN"})
    void fusedUnitsTrainToTheSameBitsAsThreeLayerUnits(ModelFamily family, Kernels kernels) {
        ModelSpec spec = ZooTestSupport.tiny(family).withDropout(0, 0).withRecipe(TrainingRecipe.SGD_MOMENTUM);
        ComputationGraphConfiguration fusedConf = InceptionZoo.configure(spec).configuration();
        ComputationGraph fused = KernelRuntime.build(kernels, () -> init(fusedConf));
        ComputationGraphConfiguration unfusedConf = unfused(fused.getConfiguration());
        long units = fusedConf.getVertices().values().stream().filter(BatchNormReluTest::isFused).count();
        assertTrue(units >= 20, family + " has " + units + " fused units");
        assertEquals(fusedConf.getVertices().size() + units, unfusedConf.getVertices().size());

        ComputationGraph unfused = KernelRuntime.build(kernels, () -> init(unfusedConf));
        copyParameters(fused, unfused);

        INDArray x = ZooTestSupport.images(5, 6, 75, 3, DataType.FLOAT);
        INDArray y = ZooTestSupport.cyclicLabels(6, 3, DataType.FLOAT);
        assertOutputsEqual(fused.output(false, x), unfused.output(false, x), family + " inference at initialization");
        MultiDataSet data = InceptionZoo.withLabelsForEveryOutput(fused, x, y);
        for (int step = 0; step < 3; step++) {
            fused.fit(data);
            unfused.fit(data);
        }
        assertFalse(Double.isNaN(fused.score()), family + " trained");
        assertEquals(unfused.score(), fused.score(), family + " loss after 3 steps");
        Map<String, INDArray> expected = parametersByFusedName(unfused);
        Map<String, INDArray> actual = parametersByFusedName(fused);
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((k, v) -> assertTrue(sameBits(v, actual.get(k)), family + " " + kernels + ": parameter " + k
                + " after 3 steps differs by " + v.sub(actual.get(k)).amaxNumber()));
        assertTrue(expected.values().stream().anyMatch(v -> v.sumNumber().doubleValue() != 0), "parameters exist");
        assertOutputsEqual(fused.output(false, x), unfused.output(false, x), family + " inference after training");
    }

    @Test
    void theZooBuildsNoBatchNormOrReluOfItsOwnAfterAConvolution() {
        ComputationGraphConfiguration conf = InceptionZoo.configure(ZooTestSupport.tiny(ModelFamily.GOOGLENET)).configuration();
        conf.getVertices().forEach((name, v) -> {
            if (v instanceof LayerVertex lv) {
                org.deeplearning4j.nn.conf.layers.Layer l = lv.getLayerConf().getLayer();
                assertFalse(l instanceof ActivationLayer, name + " is a ReLU layer of its own");
                assertTrue(!(l instanceof BatchNormalization) || l instanceof BatchNormRelu, name + " is a plain batch norm");
            }
        });
        // GoogLeNet as published has no batch norm: its convolutions carry the ReLU, nothing is fused.
        ComputationGraphConfiguration original = InceptionZoo.configure(ZooTestSupport.tiny(ModelFamily.GOOGLENET)
                .withBatchNorm(false)).configuration();
        assertEquals(0, original.getVertices().values().stream().filter(BatchNormReluTest::isFused).count());
    }

    @Test
    void configurationSurvivesJsonAndIsNotAPlainBatchNorm() {
        BatchNormRelu layer = BatchNormRelu.of(0.99, 1e-3);
        assertEquals(0.99, layer.getDecay());
        assertEquals(1e-3, layer.getEps());
        assertEquals(Activation.RELU.getActivationFunction(), layer.getActivationFn());
        BatchNormalization plain = new BatchNormalization.Builder().decay(0.99).eps(1e-3).build();
        plain.setActivationFn(layer.getActivationFn());
        assertNotEquals(plain, layer);
        assertNotEquals(layer, plain);
        assertEquals(layer, layer.clone());
        assertInstanceOf(BatchNormRelu.class, layer.clone());

        ComputationGraphConfiguration conf = InceptionZoo.configure(ZooTestSupport.tiny(ModelFamily.BN_INCEPTION)).configuration();
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
        assertEquals(conf, back);
        long fusedBack = back.getVertices().values().stream().filter(BatchNormReluTest::isFused).count();
        assertEquals(conf.getVertices().values().stream().filter(BatchNormReluTest::isFused).count(), fusedBack);
    }

    @Test
    void aModelWrittenBeforeTheFusionStillLoadsAndPredictsTheSame() throws Exception {
        ModelSpec spec = ZooTestSupport.tiny(ModelFamily.GOOGLENET);
        ComputationGraph fused = init(InceptionZoo.configure(spec).configuration());
        ComputationGraph old = init(unfused(fused.getConfiguration()));
        copyParameters(fused, old);
        java.io.ByteArrayOutputStream zip = new java.io.ByteArrayOutputStream();
        org.deeplearning4j.util.ModelSerializer.writeModel(old, zip, true);

        ComputationGraph loaded = SafeModelLoader.restore("old.zip", zip.toByteArray(), true);
        assertTrue(loaded.getConfiguration().getVertices().containsKey("Mixed_4b/Branch_1/Conv2d_0b_3x3/BatchNorm"));
        assertEquals(0, loaded.getConfiguration().getVertices().values().stream().filter(BatchNormReluTest::isFused).count());
        INDArray x = ZooTestSupport.images(9, 3, 75, 3, DataType.FLOAT);
        assertOutputsEqual(fused.output(false, x), loaded.output(false, x), "the old layout's predictions");
    }

    @Test
    void lockedGammaAndBetaAreRefused() {
        BatchNormRelu layer = BatchNormRelu.of(0.9, 1e-3);
        layer.setLockGammaBeta(true);
        layer.setNIn(4);
        layer.setNOut(4);
        layer.setLayerName("locked");
        NeuralNetConfiguration conf = new NeuralNetConfiguration.Builder().layer(layer).build();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> conf.getLayer().instantiate(
                conf, List.of(), 0, null, true, DataType.FLOAT));
        assertTrue(e.getMessage().contains("lockGammaBeta"), e.getMessage());
    }

    static boolean isFused(GraphVertex v) {
        return v instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof BatchNormRelu;
    }

    /** No clone: {@code ComputationGraphConfiguration.clone()} drops the topological order {@link #unfused} sets. */
    private static ComputationGraph init(ComputationGraphConfiguration conf) {
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    /**
     * The same network with each fused unit {@code X} written as the zoo wrote it before the fusion: a plain batch
     * norm {@code X/BatchNorm} (same settings) and a ReLU {@code ActivationLayer} {@code X}.
     *
     * @param fused a configuration whose topological order DL4J has computed (that of an initialized graph)
     */
    static ComputationGraphConfiguration unfused(ComputationGraphConfiguration fused) {
        ComputationGraphConfiguration c = fused.clone();
        Map<String, GraphVertex> vertices = new LinkedHashMap<>();
        Map<String, List<String>> inputs = new LinkedHashMap<>();
        for (Map.Entry<String, GraphVertex> e : c.getVertices().entrySet()) {
            String name = e.getKey();
            List<String> in = c.getVertexInputs().get(name);
            if (!isFused(e.getValue())) {
                vertices.put(name, e.getValue());
                if (in != null) {
                    inputs.put(name, in);
                }
                continue;
            }
            LayerVertex lv = (LayerVertex) e.getValue();
            BatchNormRelu f = (BatchNormRelu) lv.getLayerConf().getLayer();
            String bnName = Names.join(name, OLD_BATCH_NORM);
            BatchNormalization bn = new BatchNormalization.Builder().decay(f.getDecay()).eps(f.getEps())
                    .nIn(f.getNIn()).nOut(f.getNOut()).build();
            bn.setLayerName(bnName);
            bn.setIUpdater(f.getIUpdater());
            bn.setBiasUpdater(f.getBiasUpdater());
            bn.setRegularization(f.getRegularization());
            bn.setRegularizationBias(f.getRegularizationBias());
            bn.setGradientNormalization(f.getGradientNormalization());
            bn.setGradientNormalizationThreshold(f.getGradientNormalizationThreshold());
            bn.setUseLogStd(f.isUseLogStd());
            bn.setActivationFn(f.getActivationFn()); // ignored by batch norm, as in the fused layer
            NeuralNetConfiguration bnConf = lv.getLayerConf().clone();
            bnConf.setLayer(bn);
            vertices.put(bnName, new LayerVertex(bnConf, lv.getPreProcessor()));
            inputs.put(bnName, in);

            ActivationLayer relu = new ActivationLayer.Builder().activation(Activation.RELU).build();
            relu.setLayerName(name);
            NeuralNetConfiguration reluConf = lv.getLayerConf().clone();
            reluConf.setLayer(relu);
            vertices.put(name, new LayerVertex(reluConf, null));
            inputs.put(name, List.of(bnName));
        }
        c.setVertices(vertices);
        c.setVertexInputs(inputs);
        // The same order of execution as the fused network, each batch norm right before its ReLU. DL4J sums the
        // gradients a vertex receives from several consumers in reverse topological order; Kahn's order of the longer
        // graph would sum them in another order and differ in the last bit (float addition is not associative).
        List<String> order = new ArrayList<>();
        for (String name : fused.getTopologicalOrderStr()) {
            if (isFused(fused.getVertices().get(name))) {
                order.add(Names.join(name, OLD_BATCH_NORM));
            }
            order.add(name);
        }
        c.setTopologicalOrderStr(order);
        c.setTopologicalOrder(java.util.stream.IntStream.range(0, order.size()).toArray());
        return c;
    }

    /** Copies every parameter of {@code from} (fused) into {@code to} (unfused) by layer name. */
    private static void copyParameters(ComputationGraph from, ComputationGraph to) {
        Map<String, INDArray> source = parametersByFusedName(from);
        parametersByFusedName(to).forEach((k, v) -> v.assign(source.get(k)));
    }

    /** Every parameter (batch-norm statistics included) keyed by fused layer name + "_" + parameter name. */
    private static Map<String, INDArray> parametersByFusedName(ComputationGraph g) {
        Map<String, INDArray> m = new LinkedHashMap<>();
        String suffix = "/" + OLD_BATCH_NORM;
        for (Layer l : g.getLayers()) {
            String name = l.conf().getLayer().getLayerName();
            String fusedName = name.endsWith(suffix) ? name.substring(0, name.length() - suffix.length()) : name;
            l.paramTable().forEach((p, v) -> m.put(fusedName + "_" + p, v));
        }
        return m;
    }

    /** Same shape and the same float32 bits everywhere (INDArray.equals allows a tolerance). */
    static boolean sameBits(INDArray a, INDArray b) {
        return java.util.Arrays.equals(a.shape(), b.shape())
                && java.util.Arrays.equals(a.dup('c').data().asFloat(), b.dup('c').data().asFloat());
    }

    private static void assertOutputsEqual(INDArray[] expected, INDArray[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        List<String> differing = new ArrayList<>();
        for (int i = 0; i < expected.length; i++) {
            if (!sameBits(expected[i], actual[i])) {
                differing.add("output " + i);
            }
        }
        assertTrue(differing.isEmpty(), what + ": " + differing);
    }
}
