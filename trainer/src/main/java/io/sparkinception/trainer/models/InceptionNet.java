package io.sparkinception.trainer.models;

/** One model family: builds its graph configuration from a spec and knows its defaults. */
public interface InceptionNet {

    /**
     * The graph for {@code spec}: configuration (input types set, so every {@code nIn} is inferred), endpoint names
     * and auxiliary heads.
     *
     * @throws IllegalArgumentException if {@code spec} is for another family
     */
    ZooGraph configure(ModelSpec spec);

    FamilyDefaults defaults();

    default int defaultInputSize() {
        return defaults().inputSize();
    }

    default int minimumInputSize() {
        return defaults().minimumInputSize();
    }
}
