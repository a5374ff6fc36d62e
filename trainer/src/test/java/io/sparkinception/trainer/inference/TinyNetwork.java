package io.sparkinception.trainer.inference;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** A tiny softmax classifier of {@code 3 x SIZE x SIZE} CHW inputs (a convolution, then the output layer). */
final class TinyNetwork {
    static final int CHANNELS = 3;
    static final int SIZE = 6;
    static final int CLASSES = 4;

    private TinyNetwork() {
    }

    static ComputationGraph build(long seed) {
        return build(seed, SIZE);
    }

    /** The same classifier for {@code 3 x size x size} inputs. */
    static ComputationGraph build(long seed, int size) {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(seed)
                .weightInit(WeightInit.XAVIER).graphBuilder()
                .addInputs("in")
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(2).activation(Activation.RELU).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build(), "conv")
                .setOutputs("out")
                .setInputTypes(InputType.convolutional(size, size, CHANNELS))
                .build());
        g.init();
        return g;
    }

    static byte[] bytes(ComputationGraph g) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            ModelSerializer.writeModel(g, b, false);
            return b.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A CHW example of pseudo-random values. */
    static float[] example(int seed) {
        return example(seed, SIZE);
    }

    /** A CHW example of {@code 3 x size x size} pseudo-random values. */
    static float[] example(int seed, int size) {
        java.util.Random r = new java.util.Random(seed);
        float[] chw = new float[CHANNELS * size * size];
        for (int i = 0; i < chw.length; i++) {
            chw[i] = r.nextFloat() * 2 - 1;
        }
        return chw;
    }
}
