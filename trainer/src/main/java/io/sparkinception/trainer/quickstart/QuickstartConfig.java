package io.sparkinception.trainer.quickstart;

import com.typesafe.config.Config;
import io.sparkinception.common.Settings;
import java.io.File;
import java.nio.file.Path;
import java.util.Map;

/**
 * The settings of {@code quickstart} (namespace {@code spark-inception.quickstart}; every key is documented in
 * trainer's reference.conf). Validates itself, before any step runs.
 *
 * @param output        where data/, prep/, prep-test/, ensemble/ and report/ go (absolute)
 * @param data          empty: generate the synthetic signs; {@code gtsrb:DIR} or {@code voc:DIR}: an existing dataset
 * @param classes       synthetic data: number of classes
 * @param trainPerClass synthetic data: training images per class
 * @param testPerClass  synthetic data: test images per class
 * @param imageSize     side of the preprocessed crops, at least 8
 * @param seed          seed of the generator, the train/val split and training
 * @param epochs        epochs of every ensemble member; 0 stops after preprocessing
 * @param members       members of the ensemble, at least 1
 * @param width         width multiplier of the members
 */
public record QuickstartConfig(Path output, String data, int classes, int trainPerClass, int testPerClass, int imageSize,
                               long seed, int epochs, int members, double width) {

    public static final String NAMESPACE = "spark-inception.quickstart";

    public QuickstartConfig {
        if (output == null) {
            throw new IllegalArgumentException("output is required");
        }
        output = output.toAbsolutePath();
        if (imageSize < 8) {
            throw new IllegalArgumentException("image-size must be at least 8, got " + imageSize);
        }
        if (members < 1) {
            throw new IllegalArgumentException("members must be >= 1, got " + members);
        }
        if (epochs < 0) {
            throw new IllegalArgumentException("epochs must be >= 0 (0: stop after preprocessing), got " + epochs);
        }
        if (!data.isBlank() && (dataKind(data).isEmpty() || !new File(dataDir(data)).isDirectory())) {
            throw new IllegalArgumentException("data must be empty, gtsrb:DIR or voc:DIR with an existing DIR, got '" + data + "'");
        }
        if (!data.isBlank() && !dataKind(data).equals("gtsrb") && !dataKind(data).equals("voc")) {
            throw new IllegalArgumentException("unknown data kind '" + dataKind(data) + "' (known: gtsrb, voc)");
        }
    }

    /** Loads defaults, a HOCON file (or null) and flag overrides. */
    public static QuickstartConfig load(String configFile, Map<String, String> overrides) {
        Config c = Settings.load(NAMESPACE, configFile, overrides);
        try {
            return new QuickstartConfig(Path.of(c.getString("output")), c.getString("data"), c.getInt("classes"),
                    c.getInt("train-per-class"), c.getInt("test-per-class"), c.getInt("image-size"), c.getLong("seed"),
                    c.getInt("epochs"), c.getInt("members"), c.getDouble("width"));
        } catch (com.typesafe.config.ConfigException e) {
            throw new IllegalArgumentException("bad setting: " + e.getMessage(), e);
        }
    }

    /** Whether the data is generated (no {@code data} given). */
    public boolean synthetic() {
        return data.isBlank();
    }

    /** {@code gtsrb} or {@code voc}; empty for synthetic data. */
    public String dataKind() {
        return dataKind(data);
    }

    /** The dataset directory; empty for synthetic data. */
    public String dataDir() {
        return dataDir(data);
    }

    private static String dataKind(String data) {
        int colon = data.indexOf(':');
        return colon < 0 ? "" : data.substring(0, colon);
    }

    private static String dataDir(String data) {
        int colon = data.indexOf(':');
        return colon < 0 ? "" : data.substring(colon + 1);
    }
}
