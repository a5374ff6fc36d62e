package io.sparkinception.trainer.predict;

import io.sparkinception.trainer.evaluation.EvaluateConfig;

import io.sparkinception.trainer.kernels.Kernels;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigRenderOptions;
import io.sparkinception.common.Settings;
import io.sparkinception.trainer.evaluation.ModelSet;
import java.io.Serializable;
import java.util.Map;

/**
 * Settings of {@code predict} (namespace {@code spark-inception.predict}, documented in trainer's reference.conf).
 * Either {@code format} + {@code input} (annotated images: their boxes are scored, and their labels, when known,
 * are written beside the predictions) or {@code images} (a directory of images without annotations: every image is
 * scored whole).
 */
public record PredictConfig(String model, String output, String format, String input, String imagesRoot,
                            String images, String members, ModelSet.Weights weights, int batchSize, int partitions,
                            boolean overwrite, Kernels kernels, EvaluateConfig.ClassPrior classPrior, String rendered)
        implements Serializable {
    public static final String NAMESPACE = "spark-inception.predict";

    public PredictConfig {
        require(model != null && !model.isBlank(), "--model is required: a train or ensemble output directory");
        require(output != null && !output.isBlank(), "--output is required: the directory to write the predictions to");
        boolean annotated = !format.isBlank() || !input.isBlank();
        require(annotated != !images.isBlank(), "give either --format F --input PATH (annotated images) or"
                + " --images DIR (a directory of images, scored whole), not both and not neither");
        require(!annotated || (!format.isBlank() && !input.isBlank()), "annotated input needs both --format and --input");
        require(annotated || imagesRoot.isBlank(), "--images-root applies to --format/--input only");
        require(batchSize >= 1, "--batch-size must be >= 1, got " + batchSize);
        ModelSet.checkMembers(members);
        require(classPrior != null, "--class-prior must be train or uniform");
        require(partitions >= 0, "--partitions must be >= 0 (0: four per core), got " + partitions);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Whether the input is an annotation source (boxes, maybe labels) rather than a plain image directory. */
    public boolean annotated() {
        return images.isBlank();
    }

    public static PredictConfig load(String configFile, Map<String, String> overrides) {
        return from(Settings.load(NAMESPACE, configFile, overrides));
    }

    public static PredictConfig from(Config c) {
        try {
            return new PredictConfig(c.getString("model"), c.getString("output"), c.getString("format"),
                    c.getString("input"), c.getString("images-root"), c.getString("images"), c.getString("members"),
                    ModelSet.Weights.of(c.getString("weights")), c.getInt("batch-size"), c.getInt("partitions"),
                    c.getBoolean("overwrite"), Kernels.of(c.getString("kernels"), "--kernels"),
                    EvaluateConfig.ClassPrior.of(c.getString("class-prior")),
                    c.root().render(ConfigRenderOptions.defaults().setOriginComments(false).setJson(false)));
        } catch (ConfigException e) {
            throw new IllegalArgumentException("bad setting: " + e.getMessage(), e);
        }
    }
}
