package io.sparkinception.trainer.evaluation;

import io.sparkinception.trainer.inference.CropPolicy;
import io.sparkinception.trainer.inference.CropReduction;

import io.sparkinception.trainer.kernels.Kernels;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigRenderOptions;
import io.sparkinception.common.Settings;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Settings of {@code evaluate} (namespace {@code spark-inception.evaluate}, documented in trainer's
 * reference.conf). Either {@code data} (preprocessed shards) or {@code format} + {@code input} (raw annotated
 * images, preprocessed here with the models' recorded spec).
 */
public record EvaluateConfig(String model, String report, String data, String split, String format, String input,
                             String imagesRoot, String classNames, List<CropPolicy> crops, String members,
                             CropReduction reduction, boolean mirrorCrops, ModelSet.Weights weights,
                             MemberWeighting memberWeights, ClassPrior classPrior, int inputSize, int batchSize, int workers,
                             int confusedPairs, int examplesPerPair, boolean overwrite, Kernels kernels, String rendered)
        implements Serializable {
    public static final String NAMESPACE = "spark-inception.evaluate";

    public EvaluateConfig {
        require(model != null && !model.isBlank(), "--model is required: a train or ensemble output directory");
        require(report != null && !report.isBlank(), "--report is required: the directory to write the report to");
        boolean raw = !input.isBlank() || !format.isBlank();
        require(data.isBlank() != !raw, "give either --data DIR (preprocessed shards) or --format F --input PATH"
                + " (raw annotated images), not both and not neither");
        require(!raw || (!format.isBlank() && !input.isBlank()), "raw input needs both --format and --input");
        require(!crops.isEmpty(), "--crops must list at least one of 1, 10, 144");
        require(batchSize >= 1, "--batch-size must be >= 1, got " + batchSize);
        require(workers >= 0, "--workers must be >= 0 (0: spark.default.parallelism), got " + workers);
        require(confusedPairs >= 0 && examplesPerPair >= 0, "--confused-pairs and --examples-per-pair must be >= 0, got "
                + confusedPairs + " and " + examplesPerPair);
        require(split.isEmpty() || List.of("train", "val", "test").contains(split),
                "--split must be empty (auto), train, val or test, got '" + split + "'");
        ModelSet.checkMembers(members);
        require(memberWeights != null, "--member-weights must be manifest or uniform");
        require(classPrior != null, "--class-prior must be train or uniform");
        require(inputSize >= 0, "--input-size must be >= 0 (0: the size the models were trained at), got " + inputSize);
        crops = List.copyOf(crops);
    }

    /**
     * The members' weights in the ensemble's average: {@code manifest} (what {@code ensemble.json} records; uniform
     * when it records none) or {@code uniform} (equal weights, to compare).
     */
    public enum MemberWeighting {
        MANIFEST, UNIFORM;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static MemberWeighting of(String value) {
            for (MemberWeighting w : values()) {
                if (w.id().equalsIgnoreCase(value == null ? "" : value.trim())) {
                    return w;
                }
            }
            throw new IllegalArgumentException("--member-weights must be manifest or uniform, got '" + value + "'");
        }
    }

    /**
     * The class prior the scores assume: {@code train} (the models' outputs as trained, whose prior is the training
     * split's class frequencies) or {@code uniform} (each output divided by the training prior and renormalized,
     * {@link io.sparkinception.trainer.inference.PriorShift}: for test data whose classes are equally frequent).
     */
    public enum ClassPrior {
        TRAIN, UNIFORM;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static ClassPrior of(String value) {
            for (ClassPrior p : values()) {
                if (p.id().equalsIgnoreCase(value == null ? "" : value.trim())) {
                    return p;
                }
            }
            throw new IllegalArgumentException("--class-prior must be train or uniform, got '" + value + "'");
        }
    }

    private static CropReduction cropReduction(String name) {
        try {
            return CropReduction.of(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--crop-reduction: " + e.getMessage(), e);
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public boolean rawInput() {
        return !input.isBlank();
    }

    /** The crop policy the per-class, confusion and calibration details are reported for: the largest one. */
    public CropPolicy detailPolicy() {
        return crops.stream().max(java.util.Comparator.comparingInt(CropPolicy::nominalCrops)).orElseThrow();
    }

    public static EvaluateConfig load(String configFile, Map<String, String> overrides) {
        return from(Settings.load(NAMESPACE, configFile, overrides));
    }

    public static EvaluateConfig from(Config c) {
        try {
            List<CropPolicy> crops = new ArrayList<>();
            for (String s : c.getString("crops").split(",")) {
                if (!s.isBlank()) {
                    CropPolicy p;
                    try {
                        p = CropPolicy.of(s.trim());
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("--crops: " + e.getMessage(), e);
                    }
                    if (!crops.contains(p)) {
                        crops.add(p);
                    }
                }
            }
            crops.sort(java.util.Comparator.comparingInt(CropPolicy::nominalCrops));
            return new EvaluateConfig(c.getString("model"), c.getString("report"), c.getString("data"),
                    c.getString("split"), c.getString("format"), c.getString("input"), c.getString("images-root"),
                    c.getString("class-names"), crops, c.getString("members"), cropReduction(c.getString("crop-reduction")), c.getBoolean("mirror-crops"),
                    ModelSet.Weights.of(c.getString("weights")), MemberWeighting.of(c.getString("member-weights")),
                    ClassPrior.of(c.getString("class-prior")), c.getInt("input-size"),
                    c.getInt("batch-size"), c.getInt("workers"),
                    c.getInt("confused-pairs"), c.getInt("examples-per-pair"), c.getBoolean("overwrite"), Kernels.of(c.getString("kernels"), "--kernels"),
                    c.root().render(ConfigRenderOptions.defaults().setOriginComments(false).setJson(false)));
        } catch (ConfigException e) {
            throw new IllegalArgumentException("bad setting: " + e.getMessage(), e);
        }
    }
}
