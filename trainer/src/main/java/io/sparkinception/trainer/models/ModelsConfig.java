package io.sparkinception.trainer.models;

import com.typesafe.config.Config;
import io.sparkinception.common.Settings;
import io.sparkinception.trainer.kernels.Kernels;
import java.util.List;
import java.util.Map;

/**
 * The settings of the {@code models} command (namespace {@code spark-inception.models}; every key is documented in
 * trainer's reference.conf).
 *
 * @param families  the families to describe (all of them when the setting is empty)
 * @param imageSize input size in pixels; 0: each family's default
 * @param kernels   also build each network on these kernels and say which kernels each layer type runs on; null: don't
 */
public record ModelsConfig(List<ModelFamily> families, int numClasses, int imageSize, double width, boolean aux,
                           boolean json, Kernels kernels) {

    public static final String NAMESPACE = "spark-inception.models";

    public ModelsConfig {
        if (families == null || families.isEmpty()) {
            throw new IllegalArgumentException("family: at least one; known: " + String.join(", ", ModelFamily.ids()));
        }
        families = List.copyOf(families);
        if (imageSize < 0) {
            throw new IllegalArgumentException("image-size must be >= 0 (0: each family's default), got " + imageSize);
        }
    }

    /** Loads defaults, a HOCON file (or null) and flag overrides. */
    public static ModelsConfig load(String configFile, Map<String, String> overrides) {
        Config c = Settings.load(NAMESPACE, configFile, overrides);
        try {
            String family = c.getString("family");
            String kernels = c.getString("kernels");
            return new ModelsConfig(family.isBlank() ? List.of(ModelFamily.values()) : List.of(ModelFamily.of(family)),
                    c.getInt("classes"), c.getInt("image-size"), c.getDouble("width"), c.getBoolean("aux"),
                    c.getBoolean("json"), kernels.isBlank() ? null : Kernels.of(kernels, "--kernels"));
        } catch (com.typesafe.config.ConfigException e) {
            throw new IllegalArgumentException("bad setting: " + e.getMessage(), e);
        }
    }

    /** The spec described for {@code family}. */
    public ModelSpec spec(ModelFamily family) {
        ModelSpec spec = ModelSpec.defaults(family, numClasses).withAuxHeads(aux).withWidthMultiplier(width);
        return imageSize > 0 ? spec.withInputSize(imageSize) : spec;
    }
}
