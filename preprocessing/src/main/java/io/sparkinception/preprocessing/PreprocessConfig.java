package io.sparkinception.preprocessing;

import com.typesafe.config.Config;
import io.sparkinception.common.Settings;
import io.sparkinception.preprocessing.annotations.SourceSpec;
import io.sparkinception.preprocessing.annotations.Split;
import io.sparkinception.preprocessing.image.Interpolation;
import java.io.Serializable;
import java.util.Map;

/**
 * The resolved settings of one preprocessing run (namespace {@code spark-inception.preprocess}; every key is
 * documented in preprocessing's reference.conf). Validates itself. Build one with {@link #builder}: the crop, size,
 * storage and normalization are either chosen ({@link NewSpec}) or reused from an earlier run ({@link ReusedSpec}),
 * never both, so no argument can be given and then ignored.
 *
 * @param spec  where the image size, crop, storage and normalization come from
 * @param split       null for {@code auto}, else the split every record goes to
 * @param compression the Parquet codec of the shards
 */
public record PreprocessConfig(SourceSpec source, String output, Spec spec, int shards, double valFraction, long seed,
                               Split split, int partitions, int progressSeconds, boolean overwrite, Reads reads,
                               ShardCompression compression)
        implements Serializable {

    public static final String NAMESPACE = "spark-inception.preprocess";

    public PreprocessConfig {
        if (reads == null) {
            throw new IllegalArgumentException("reads is required (the read limits; Reads.DEFAULT for the defaults)");
        }
        if (compression == null) {
            throw new IllegalArgumentException("compression is required (" + String.join(", ", ShardCompression.ids()) + ")");
        }
        if (output == null || output.isBlank()) {
            throw new IllegalArgumentException("output is required: the directory to write shards and metadata.json to");
        }
        if (spec == null) {
            throw new IllegalArgumentException("image-size is required (a positive number of pixels, e.g. 64) unless reuse-spec is set");
        }
        if (shards < 0) {
            throw new IllegalArgumentException("shards must be >= 0 (0: automatic), got " + shards);
        }
        if (!(valFraction >= 0 && valFraction < 1)) {
            throw new IllegalArgumentException("val-fraction must be in [0, 1), got " + valFraction);
        }
        if (split == Split.TEST && !(spec instanceof ReusedSpec)) {
            throw new IllegalArgumentException("split=test needs reuse-spec: a held-out set is normalized with the training set's mean,"
                    + " so pass --reuse-spec <train-output>/metadata.json");
        }
        if (partitions < 0) {
            throw new IllegalArgumentException("partitions must be >= 0 (0: automatic), got " + partitions);
        }
        if (progressSeconds <= 0) {
            throw new IllegalArgumentException("progress-seconds must be positive, got " + progressSeconds);
        }
    }

    /** A builder with the reference.conf defaults; exactly one of {@code newSpec}/{@code reuseSpec} must be called. */
    public static Builder builder(SourceSpec source, String output) {
        return new Builder(source, output);
    }

    /** The metadata.json whose spec is reused, or null when this run chooses its own. */
    public String reuseSpec() {
        return spec instanceof ReusedSpec r ? r.metadataJson() : null;
    }

    /** Where the image size, crop, storage and normalization of a run come from. */
    public sealed interface Spec extends Serializable permits NewSpec, ReusedSpec {
    }

    /**
     * This run's own spec; the mean and std are computed from its training split.
     *
     * @param imageSize side of the square crops, in pixels
     */
    public record NewSpec(int imageSize, CropSpec crop, PixelStorage storage, boolean scaleByStd) implements Spec {
        public NewSpec {
            if (imageSize <= 0 || imageSize > 4096) {
                throw new IllegalArgumentException(imageSize == 0
                        ? "image-size is required (a positive number of pixels, e.g. 64) unless reuse-spec is set"
                        : "image-size must be between 1 and 4096, got " + imageSize);
            }
            if (crop == null) {
                throw new IllegalArgumentException("crop is required (margin, square, interpolation)");
            }
            if (storage == null) {
                throw new IllegalArgumentException("storage is required (float32, float16 or uint8)");
            }
        }

        /** The metadata spec before statistics: what {@code metadata.json} records of these settings. */
        public DatasetMetadata.Spec metadataSpec() {
            return new DatasetMetadata.Spec(imageSize, 3, "CHW", storage.id(), crop.interpolation().id(), crop.margin(),
                    crop.square(), scaleByStd, null, null, 0);
        }
    }

    /**
     * The image size, crop, storage, classes and training mean/std of an earlier run (for held-out sets).
     *
     * @param metadataJson path of that run's metadata.json
     */
    public record ReusedSpec(String metadataJson) implements Spec {
        public ReusedSpec {
            if (metadataJson == null || metadataJson.isBlank()) {
                throw new IllegalArgumentException("reuse-spec needs the path of an earlier run's metadata.json");
            }
        }
    }

    /** Named setters for a {@link PreprocessConfig}; unset values are reference.conf's defaults. */
    public static final class Builder {
        private final SourceSpec source;
        private final String output;
        private Spec spec;
        private int shards;
        private double valFraction = 0.1;
        private long seed = 42;
        private Split split;
        private int partitions;
        private int progressSeconds = 10;
        private boolean overwrite;
        private Reads reads = Reads.DEFAULT;
        private ShardCompression compression = ShardCompression.SNAPPY;

        private Builder(SourceSpec source, String output) {
            this.source = source;
            this.output = output;
        }

        /** This run's own size, crop, storage and normalization. */
        public Builder newSpec(NewSpec value) {
            return spec(value);
        }

        /** This run's own size and crop, float32 storage, mean subtraction only (the defaults). */
        public Builder newSpec(int imageSize, CropSpec crop) {
            return spec(new NewSpec(imageSize, crop, PixelStorage.FLOAT32, false));
        }

        /** Size, crop, storage, classes and mean/std of the run that wrote {@code metadataJson}. */
        public Builder reuseSpec(String metadataJson) {
            return spec(new ReusedSpec(metadataJson));
        }

        private Builder spec(Spec value) {
            if (spec != null) {
                throw new IllegalStateException("the spec is already " + spec + "; set it once (newSpec or reuseSpec)");
            }
            spec = value;
            return this;
        }

        public Builder shards(int value) {
            shards = value;
            return this;
        }

        public Builder valFraction(double value) {
            valFraction = value;
            return this;
        }

        public Builder seed(long value) {
            seed = value;
            return this;
        }

        /** Null: {@code auto}. */
        public Builder split(Split value) {
            split = value;
            return this;
        }

        public Builder partitions(int value) {
            partitions = value;
            return this;
        }

        public Builder progressSeconds(int value) {
            progressSeconds = value;
            return this;
        }

        public Builder overwrite(boolean value) {
            overwrite = value;
            return this;
        }

        public Builder reads(Reads value) {
            reads = value;
            return this;
        }

        public Builder compression(ShardCompression value) {
            compression = value;
            return this;
        }

        public PreprocessConfig build() {
            return new PreprocessConfig(source, output, spec, shards, valFraction, seed, split, partitions,
                    progressSeconds, overwrite, reads, compression);
        }
    }

    /** How a box becomes a crop. */
    public record CropSpec(double margin, boolean square, Interpolation interpolation) implements Serializable {
        public CropSpec {
            if (!(margin >= 0 && margin <= 2)) {
                throw new IllegalArgumentException("margin must be in [0, 2] (a fraction of the box), got " + margin);
            }
            if (interpolation == null) {
                throw new IllegalArgumentException("interpolation is required");
            }
        }
    }

    /**
     * How images are read: confined to the images root unless {@code allowPathsOutsideRoot}, files of at most
     * {@code maxFileBytes}, images of at most {@code maxPixels} (from the header, before decoding).
     */
    public record Reads(boolean allowPathsOutsideRoot, long maxFileBytes, long maxPixels) implements Serializable {
        public static final Reads DEFAULT = new Reads(false, ImageSource.DEFAULT_MAX_FILE_BYTES,
                io.sparkinception.preprocessing.image.ImageDecoder.DEFAULT_MAX_PIXELS);

        public Reads {
            if (maxFileBytes <= 0) {
                throw new IllegalArgumentException("max-file-bytes must be positive, got " + maxFileBytes);
            }
            if (maxPixels <= 0) {
                throw new IllegalArgumentException("max-pixels must be positive, got " + maxPixels);
            }
        }

        /** The image source confined to {@code root} (a qualified path) with these limits. */
        public ImageSource source(String root) {
            return new ImageSource(root, allowPathsOutsideRoot, maxFileBytes, maxPixels);
        }
    }

    /** Loads defaults, a HOCON file (or null) and flag overrides. */
    public static PreprocessConfig load(String configFile, Map<String, String> overrides) {
        return from(Settings.load(NAMESPACE, configFile, overrides));
    }

    public static PreprocessConfig from(Config c) {
        try {
            String delimiter = c.getString("csv.delimiter");
            if (delimiter.length() != 1) {
                throw new IllegalArgumentException("csv.delimiter must be one character, got '" + delimiter + "'");
            }
            SourceSpec.CsvColumns columns = new SourceSpec.CsvColumns(c.getString("csv.path-column"),
                    c.getString("csv.label-column"), c.getString("csv.xmin-column"), c.getString("csv.ymin-column"),
                    c.getString("csv.xmax-column"), c.getString("csv.ymax-column"), c.getString("csv.split-column"),
                    c.getString("csv.group-column"), delimiter.charAt(0));
            SourceSpec source = new SourceSpec(SourceSpec.Format.of(c.getString("format")), c.getString("input"),
                    c.getString("images-root"), c.getString("class-names"), columns, c.getBoolean("voc.one-based"));
            String split = c.getString("split");
            String reuse = Settings.optionalString(c, "reuse-spec");
            // Parsed (so a bad value is an error) even with reuse-spec, which takes them from that metadata.json
            // instead: one config file may serve the training run and, with --reuse-spec, its held-out set.
            CropSpec crop = new CropSpec(c.getDouble("margin"), c.getBoolean("square"),
                    Interpolation.of(c.getString("interpolation")));
            PixelStorage storage = PixelStorage.of(c.getString("storage"));
            boolean scaleByStd = c.getBoolean("scale-by-std");
            int size = c.getInt("image-size");
            Spec spec = reuse != null ? new ReusedSpec(reuse)
                    : size == 0 ? null : new NewSpec(size, crop, storage, scaleByStd);
            return new PreprocessConfig(source, c.getString("output"), spec, c.getInt("shards"),
                    c.getDouble("val-fraction"), c.getLong("seed"), split.equalsIgnoreCase("auto") ? null : Split.of(split),
                    c.getInt("partitions"), c.getInt("progress-seconds"), c.getBoolean("overwrite"),
                    new Reads(c.getBoolean("allow-paths-outside-root"), c.getBytes("max-file-bytes"), c.getLong("max-pixels")),
                    ShardCompression.of(c.getString("compression")));
        } catch (com.typesafe.config.ConfigException e) {
            throw new IllegalArgumentException("bad setting: " + e.getMessage(), e);
        }
    }
}
