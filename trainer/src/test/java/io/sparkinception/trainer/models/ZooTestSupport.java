package io.sparkinception.trainer.models;

import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Helpers shared by the zoo tests. */
final class ZooTestSupport {

    private ZooTestSupport() {
    }

    /** Endpoint name to output shape, "HxWxC" for feature maps and "K" for classifiers, in endpoint order. */
    static Map<String, String> endpointShapes(ModelSpec spec) {
        ZooGraph zoo = InceptionZoo.configure(spec);
        Map<String, InputType> types = zoo.activationTypes();
        Map<String, String> shapes = new LinkedHashMap<>();
        for (String name : zoo.endpoints()) {
            InputType t = types.get(name);
            if (t instanceof InputType.InputTypeConvolutional c) {
                shapes.put(name, c.getHeight() + "x" + c.getWidth() + "x" + c.getChannels());
            } else {
                shapes.put(name, String.valueOf(((InputType.InputTypeFeedForward) t).getSize()));
            }
        }
        return shapes;
    }

    /** Shapes written as "name=HxWxC" pairs, for compact expected values. */
    static Map<String, String> shapes(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String p : pairs) {
            String[] kv = p.split("=");
            m.put(kv[0], kv[1]);
        }
        return m;
    }

    /** A tiny model of {@code family} for fast tests: 75 px, width 1/4 (floor 8), 3 classes. */
    static ModelSpec tiny(ModelFamily family) {
        return ModelSpec.defaults(family, 3).withInputSize(75).withWidth(0.25, 8);
    }

    /** Random images (uniform in [-1, 1]) of one size, float. */
    static INDArray images(long seed, int n, int size, int channels, DataType type) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(type, n, channels, size, size).muli(2).subi(1);
    }

    /** One-hot labels cycling through the classes: 0, 1, 2, 0, 1, ... */
    static INDArray cyclicLabels(int n, int classes, DataType type) {
        INDArray labels = Nd4j.zeros(type, n, classes);
        for (int i = 0; i < n; i++) {
            labels.putScalar(i, i % classes, 1.0);
        }
        return labels;
    }
}
