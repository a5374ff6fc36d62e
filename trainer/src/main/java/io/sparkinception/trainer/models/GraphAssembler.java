package io.sparkinception.trainer.models;

import static io.sparkinception.trainer.models.Names.join;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LocalResponseNormalization;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * Appends whole units to a DL4J graph for one {@link ModelSpec}: conv_bn units, pools, concatenations, residual
 * blocks and classifier heads. Filter counts passed in are the papers'; the spec's width multiplier is applied here.
 * Input types are set once, so DL4J infers every {@code nIn}.
 */
final class GraphAssembler {

    /** TF's padding names: SAME keeps {@code ceil(in / stride)}; VALID is DL4J's Truncate, {@code floor((in - k) / s) + 1}. */
    enum Padding {
        SAME(ConvolutionMode.Same), VALID(ConvolutionMode.Truncate);

        final ConvolutionMode mode;

        Padding(ConvolutionMode mode) {
            this.mode = mode;
        }
    }

    /** A tensor of the graph under construction: the vertex producing it and its channel count. */
    record Node(String name, int channels) {
    }

    /** Caffe's LRN (GoogLeNet): {@code x / (1 + alpha/n * sum x^2)^beta}, n = 5, alpha = 1e-4, beta = 0.75. DL4J computes
     * {@code x / (k + alpha' * sum x^2)^beta}, hence k = 1 and alpha' = 1e-4 / 5. */
    private static final double LRN_K = 1, LRN_N = 5, LRN_ALPHA = 1e-4 / 5, LRN_BETA = 0.75;

    private final ModelSpec spec;
    private final ComputationGraphConfiguration.GraphBuilder graph;
    private final List<String> endpoints = new ArrayList<>();
    private final List<AuxHead> auxHeads = new ArrayList<>();
    private boolean hasLogits;

    GraphAssembler(ModelSpec spec) {
        this.spec = spec;
        LayerDefaults d = spec.layerDefaults();
        TrainingRecipe r = spec.recipe();
        NeuralNetConfiguration.Builder global = new NeuralNetConfiguration.Builder()
                .seed(spec.seed())
                .dataType(DataType.FLOAT)
                .updater(r.updater())
                .weightInit(d.weightInit())
                .l2(d.weightDecay())
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED);
        if (r.gradientClipL2() > 0) {
            global.gradientNormalization(GradientNormalization.ClipL2PerLayer)
                    .gradientNormalizationThreshold(r.gradientClipL2());
        }
        this.graph = global.graphBuilder().addInputs(Names.INPUT).setInputTypes(spec.inputType());
    }

    ModelSpec spec() {
        return spec;
    }

    Node input() {
        return new Node(Names.INPUT, spec.inputChannels());
    }

    /** Marks {@code node} as a named endpoint (in call order) and returns it. */
    Node endpoint(Node node) {
        endpoints.add(node.name());
        return node;
    }

    /**
     * A conv_bn unit named {@code scope/Conv2d_<position>_<kh>x<kw>}: convolution without bias ({@code <name>/Conv2D}),
     * then batch norm and ReLU fused in one {@link BatchNormRelu} layer carrying the unit's name. With batch norm off
     * (original GoogLeNet): one convolution with bias and ReLU.
     */
    Node conv(String scope, String position, Node in, int paperFilters, int kernelHeight, int kernelWidth, int stride,
              Padding padding) {
        String name = join(scope, Names.conv(position, kernelHeight, kernelWidth));
        int filters = spec.filters(paperFilters);
        ConvolutionLayer.Builder conv = new ConvolutionLayer.Builder(kernelHeight, kernelWidth)
                .stride(stride, stride).convolutionMode(padding.mode).nOut(filters);
        if (spec.batchNorm()) {
            String convName = join(name, Names.CONV_OP);
            graph.addLayer(convName, conv.hasBias(false).activation(Activation.IDENTITY).build(), in.name());
            graph.addLayer(name, BatchNormRelu.of(spec.layerDefaults().batchNormDecay(),
                    spec.layerDefaults().batchNormEpsilon()), convName);
        } else {
            graph.addLayer(name, conv.hasBias(true).activation(Activation.RELU).build(), in.name());
        }
        return new Node(name, filters);
    }

    /** A {@code k x k} conv_bn unit, stride 1, SAME padding. */
    Node conv(String scope, String position, Node in, int paperFilters, int kernel) {
        return conv(scope, position, in, paperFilters, kernel, kernel, 1, Padding.SAME);
    }

    /** A {@code kh x kw} conv_bn unit, stride 1, SAME padding (the factorized 1xn / nx1 convolutions). */
    Node conv(String scope, String position, Node in, int paperFilters, int kernelHeight, int kernelWidth) {
        return conv(scope, position, in, paperFilters, kernelHeight, kernelWidth, 1, Padding.SAME);
    }

    Node conv(String scope, String position, Node in, int paperFilters, int kernel, int stride, Padding padding) {
        return conv(scope, position, in, paperFilters, kernel, kernel, stride, padding);
    }

    Node maxPool(String scope, String position, Node in, int kernel, int stride, Padding padding) {
        String name = join(scope, Names.maxPool(position, kernel));
        graph.addLayer(name, new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(kernel, kernel)
                .stride(stride, stride).convolutionMode(padding.mode).build(), in.name());
        return new Node(name, in.channels());
    }

    /** Average pooling; padded cells are left out of the average (TensorFlow's SAME average pooling). */
    Node avgPool(String scope, String position, Node in, int kernel, int stride, Padding padding) {
        String name = join(scope, Names.avgPool(position, kernel));
        graph.addLayer(name, new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(kernel, kernel)
                .stride(stride, stride).convolutionMode(padding.mode).avgPoolIncludePadInDivisor(false).build(), in.name());
        return new Node(name, in.channels());
    }

    /** Local response normalization after the layer at {@code position} (GoogLeNet as published). */
    Node lrn(String position, Node in) {
        String name = Names.lrn(position);
        graph.addLayer(name, new LocalResponseNormalization.Builder(LRN_K, LRN_N, LRN_ALPHA, LRN_BETA).build(), in.name());
        return new Node(name, in.channels());
    }

    /** Channel concatenation of {@code parts}, in order. */
    Node concat(String name, List<Node> parts) {
        graph.addVertex(name, new MergeVertex(), parts.stream().map(Node::name).toArray(String[]::new));
        return new Node(name, parts.stream().mapToInt(Node::channels).sum());
    }

    Node concat(String name, Node... parts) {
        return concat(name, List.of(parts));
    }

    /**
     * Keras' {@code inception_resnet_block} tail: {@code out = relu(x + scale * up(concat(branches)))}, where {@code up}
     * is a 1x1 convolution with bias and no batch norm or activation back to x's width. The residual is scaled, then
     * added elementwise (never concatenated). Without {@code activate} (the last Block8) the sum is the output.
     * Vertices: {@code name/Concat}, {@code name/Conv2d_1x1}, {@code name/Scale}, {@code name/Add}, {@code name}.
     */
    Node residual(String name, Node x, List<Node> branches, double scale, boolean activate) {
        Node mixed = concat(join(name, Names.CONCAT), branches);
        String up = join(name, Names.RESIDUAL_UP);
        graph.addLayer(up, new ConvolutionLayer.Builder(1, 1).nOut(x.channels()).hasBias(true)
                .convolutionMode(ConvolutionMode.Same).activation(Activation.IDENTITY).build(), mixed.name());
        String scaled = join(name, Names.SCALE);
        graph.addVertex(scaled, new ScaleVertex(scale), up);
        String sum = activate ? join(name, Names.ADD) : name;
        graph.addVertex(sum, new ElementWiseVertex(ElementWiseVertex.Op.Add), x.name(), scaled);
        if (activate) {
            graph.addLayer(name, relu(), sum);
        }
        return new Node(name, x.channels());
    }

    /** A fully connected layer with bias and ReLU; {@code paperWidth} is scaled like filter counts. */
    Node dense(String name, Node in, int paperWidth) {
        int width = spec.filters(paperWidth);
        graph.addLayer(name, new DenseLayer.Builder().nOut(width).activation(Activation.RELU).build(), in.name());
        return new Node(name, width);
    }

    Node globalAveragePool(String name, Node in) {
        graph.addLayer(name, new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), in.name());
        return new Node(name, in.channels());
    }

    /** Dropout with drop probability {@code rate} (DL4J's {@link Dropout} takes the retain probability); none at 0. */
    Node dropout(String name, Node in, double rate) {
        if (rate == 0) {
            return in;
        }
        graph.addLayer(name, new DropoutLayer.Builder(new Dropout(1.0 - rate)).build(), in.name());
        return new Node(name, in.channels());
    }

    /** The side of the square grid {@code node} produces, from DL4J's shape inference on the graph built so far. */
    int gridSize(Node node) {
        InputType type = graph.getLayerActivationTypes().get(node.name());
        if (!(type instanceof InputType.InputTypeConvolutional conv)) {
            throw new IllegalStateException(node.name() + " is not a convolutional activation: " + type);
        }
        return (int) conv.getHeight();
    }

    /** The main classifier: global average pool, dropout, linear + softmax named {@code Logits}. */
    void logits(Node trunk) {
        Node pooled = globalAveragePool(join(Names.LOGITS, Names.GLOBAL_POOL), trunk);
        Node dropped = dropout(join(Names.LOGITS, Names.DROPOUT), pooled, spec.dropout());
        classifier(Names.LOGITS, dropped, spec.classifierLoss());
        hasLogits = true;
    }

    /** An auxiliary classifier's end: dropout, then linear + softmax named {@code name} with the weighted loss. */
    void auxClassifier(String name, Node attachedTo, Node features) {
        Node dropped = dropout(join(name, Names.DROPOUT), features, spec.auxDropout());
        classifier(name, dropped, new ScaledLoss(spec.auxLossWeight(), spec.classifierLoss()));
        auxHeads.add(new AuxHead(name, attachedTo.name(), spec.auxLossWeight()));
    }

    /**
     * The batch-normalized auxiliary head of Inception v3 (also slim's v4 and Inception-ResNet-v2) on {@code at}:
     * average pool 5x5/3 VALID, 1x1 conv 128, 5x5 conv 768 VALID, classifier. Deviations, both only when the grid is
     * small: the pooling and the 5x5 kernels shrink to the grid they see (slim's
     * {@code _reduced_kernel_size_for_small_input}, which slim applies to the 5x5 convolution only; we also apply it to
     * the pooling so the head exists at 75 px, where the 17x17 grid is 3x3), and a global average pool before the
     * classifier (torchvision's {@code adaptive_avg_pool2d}) keeps the head valid above 299 px. At 299 px the head is
     * exactly the paper's (the global pool sees 1x1).
     */
    void factorizedAuxHead(Node at) {
        String scope = Names.AUX_LOGITS;
        Node x = avgPool(scope, "1a", at, Math.min(5, gridSize(at)), 3, Padding.VALID);
        x = conv(scope, "1b", x, 128, 1);
        int k = Math.min(5, gridSize(x));
        x = conv(scope, "2a", x, 768, k, 1, Padding.VALID);
        x = globalAveragePool(join(scope, Names.GLOBAL_POOL), x);
        auxClassifier(scope, at, x);
    }

    /** Sets the outputs ({@code Logits} first, then the auxiliary heads) and builds the configuration. */
    ZooGraph build() {
        if (!hasLogits) {
            throw new IllegalStateException("a zoo graph needs its Logits head before build()");
        }
        List<String> outputs = new ArrayList<>();
        outputs.add(Names.LOGITS);
        auxHeads.forEach(h -> outputs.add(h.name()));
        graph.setOutputs(outputs.toArray(String[]::new));
        List<String> names = new ArrayList<>(endpoints);
        names.addAll(outputs);
        return new ZooGraph(spec, graph.build(), names, auxHeads);
    }

    private void classifier(String name, Node in, ILossFunction loss) {
        graph.addLayer(name, new OutputLayer.Builder(loss).nOut(spec.numClasses()).activation(Activation.SOFTMAX)
                .weightInit(spec.layerDefaults().classifierWeightInit()).build(), in.name());
    }

    private static ActivationLayer relu() {
        return new ActivationLayer.Builder().activation(Activation.RELU).build();
    }
}
