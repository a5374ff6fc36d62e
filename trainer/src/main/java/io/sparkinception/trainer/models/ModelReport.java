package io.sparkinception.trainer.models;

import java.util.List;

/**
 * What a user choosing a model sees for one spec (the {@code models} subcommand).
 *
 * @param spec                the model described
 * @param parameters          trainable parameters and batch-norm statistics, auxiliary heads included if on
 * @param forwardMultiplyAdds multiply-adds of one image's forward pass through every convolution and dense layer
 *                            (auxiliary heads included if on); batch norm, pooling, activations, additions and
 *                            concatenations are not counted
 * @param endpoints           output shape of every named endpoint, in graph order
 */
public record ModelReport(ModelSpec spec, ParameterCount parameters, long forwardMultiplyAdds, List<Endpoint> endpoints) {

    public ModelReport {
        endpoints = List.copyOf(endpoints);
    }

    /**
     * An endpoint's output for one image: {@code [height, width, channels]} for feature maps (the papers' HxWxC
     * order), {@code [classes]} for classifiers.
     */
    public record Endpoint(String name, List<Long> shape) {
        public Endpoint {
            shape = List.copyOf(shape);
        }
    }

    public String family() {
        return spec.family().id();
    }

    /** Trainable parameters, the number published counts compare to. */
    public long params() {
        return parameters.trainable();
    }

    /** Forward FLOPs: a multiply-add is two floating-point operations. */
    public long forwardFlopsPerImage() {
        return 2 * forwardMultiplyAdds;
    }

    /**
     * Training FLOPs per image: forward plus backward, where the backward pass costs about twice the forward (one
     * product for the gradient of the input, one for the gradient of the weights), so 3 x forward = 6 x multiply-adds.
     */
    public long trainingFlopsPerImage() {
        return 3 * forwardFlopsPerImage();
    }
}
