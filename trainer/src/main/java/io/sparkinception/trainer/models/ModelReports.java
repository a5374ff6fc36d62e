package io.sparkinception.trainer.models;

import io.sparkinception.common.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;

/** Describes specs without allocating their parameters, and renders the descriptions as text or JSON. */
public final class ModelReports {

    private ModelReports() {
    }

    /** Parameter count, FLOPs and endpoint shapes of {@code spec}, from the configuration and DL4J's shape inference. */
    public static ModelReport describe(ModelSpec spec) {
        ZooGraph zoo = InceptionZoo.configure(spec);
        Map<String, InputType> types = zoo.activationTypes();
        List<ModelReport.Endpoint> endpoints = new ArrayList<>();
        for (String name : zoo.endpoints()) {
            endpoints.add(new ModelReport.Endpoint(name, shapeOf(name, types.get(name))));
        }
        return new ModelReport(spec, countParameters(zoo.configuration()),
                forwardMultiplyAdds(zoo.configuration(), types), endpoints);
    }

    /** Sums each layer's parameter count as its DL4J initializer would allocate it; nothing is allocated. */
    public static ParameterCount countParameters(ComputationGraphConfiguration conf) {
        long trainable = 0;
        long statistics = 0;
        for (GraphVertex vertex : conf.getVertices().values()) {
            if (vertex instanceof LayerVertex lv) {
                NeuralNetConfiguration layerConf = lv.getLayerConf();
                Layer layer = layerConf.getLayer();
                long n = layer.initializer().numParams(layerConf);
                if (layer instanceof BatchNormalization bn) {
                    long stats = 2 * bn.getNOut(); // running mean and variance
                    statistics += stats;
                    n -= stats;
                }
                trainable += n;
            }
        }
        return new ParameterCount(trainable, statistics);
    }

    /**
     * Multiply-adds of one image's forward pass: {@code outH * outW * nOut * kH * kW * nIn} per convolution and
     * {@code nIn * nOut} per dense or output layer.
     *
     * @param activationTypes each vertex's output type for the input size in question
     */
    public static long forwardMultiplyAdds(ComputationGraphConfiguration conf, Map<String, InputType> activationTypes) {
        long total = 0;
        for (Map.Entry<String, GraphVertex> e : conf.getVertices().entrySet()) {
            if (!(e.getValue() instanceof LayerVertex lv)) {
                continue;
            }
            Layer layer = lv.getLayerConf().getLayer();
            if (layer instanceof ConvolutionLayer conv) {
                InputType.InputTypeConvolutional out = (InputType.InputTypeConvolutional) activationTypes.get(e.getKey());
                int[] k = conv.getKernelSize();
                total += out.getHeight() * out.getWidth() * conv.getNOut() * k[0] * k[1] * conv.getNIn();
            } else if (layer instanceof DenseLayer || layer instanceof BaseOutputLayer) {
                FeedForwardLayer ff = (FeedForwardLayer) layer;
                total += ff.getNIn() * ff.getNOut();
            }
        }
        return total;
    }

    /**
     * A plain-text table per report: the spec in one line, parameters, training FLOPs per image, then each endpoint's
     * output shape.
     */
    public static String toText(List<ModelReport> reports) {
        StringBuilder out = new StringBuilder();
        for (ModelReport r : reports) {
            if (out.length() > 0) {
                out.append('\n');
            }
            ModelSpec s = r.spec();
            out.append(String.format(Locale.ROOT, "%s: %dx%dx%d input, %d classes, width %s, aux heads %s%n",
                    r.family(), s.inputSize(), s.inputSize(), s.inputChannels(), s.numClasses(),
                    s.widthMultiplier(), s.auxHeads() ? "on" : "off"));
            out.append(String.format(Locale.ROOT, "  parameters: %,d trainable (+ %,d batch-norm running statistics)%n",
                    r.params(), r.parameters().batchNormStatistics()));
            out.append(String.format(Locale.ROOT, "  training FLOPs per image: %,d (%.2f GFLOP; 3 x forward, forward = 2 x"
                    + " multiply-adds of convolutions and dense layers)%n",
                    r.trainingFlopsPerImage(), r.trainingFlopsPerImage() / 1e9));
            int width = "endpoint".length();
            for (ModelReport.Endpoint e : r.endpoints()) {
                width = Math.max(width, e.name().length());
            }
            out.append(String.format(Locale.ROOT, "  %-" + width + "s  %s%n", "endpoint", "output"));
            for (ModelReport.Endpoint e : r.endpoints()) {
                out.append(String.format(Locale.ROOT, "  %-" + width + "s  %s%n", e.name(), shapeText(e.shape())));
            }
        }
        return out.toString();
    }

    /** One line of {@link #toJson}: {@code params} is the trainable count, {@code flops_per_image} the training FLOPs. */
    public record Summary(String family, long params, long flopsPerImage, List<ModelReport.Endpoint> endpoints) {
        static Summary of(ModelReport r) {
            return new Summary(r.family(), r.params(), r.trainingFlopsPerImage(), r.endpoints());
        }
    }

    /**
     * {@code [{"family":..., "params":..., "flops_per_image":..., "endpoints":[{"name":..., "shape":[...]}]}]} on one
     * line (the {@code models} command indents it when it prints).
     */
    public static String toJson(List<ModelReport> reports) {
        return Json.toJsonLine(reports.stream().map(Summary::of).toList());
    }

    private static List<Long> shapeOf(String name, InputType type) {
        if (type instanceof InputType.InputTypeConvolutional c) {
            return List.of(c.getHeight(), c.getWidth(), c.getChannels());
        }
        if (type instanceof InputType.InputTypeFeedForward f) {
            return List.of(f.getSize());
        }
        throw new IllegalStateException("endpoint " + name + " has an unexpected activation type: " + type);
    }

    private static String shapeText(List<Long> shape) {
        return String.join("x", shape.stream().map(String::valueOf).toList());
    }
}
