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
 * documented in preprocessing's reference.conf). Validates itself.
 *
 * @param split        null for {@code auto}, else the split every record goes to
 * @param reuseSpec    path of an earlier metadata.json whose spec (size, crop, storage, classes, mean) is reused, or null
 * @param imageSize    0 when taken from {@code reuseSpec}
 */
public record PreprocessConfig(SourceSpec source, String output, CropSpec crop, int imageSize, int shards,
                               double valFraction, long seed, Split split, String reuseSpec, PixelStorage storage,
                               boolean scaleByStd, int partitions, int progressSeconds, boolean overwrite,
                               String cacheLevel, Reads reads)
        implements Serializable {

    public static final String NAMESPACE = "spark-inception.preprocess";

    /** The settings before the read limits existed: the default {@link Reads}. */
    public PreprocessConfig(SourceSpec source, String output, CropSpec crop, int imageSize, int shards,
                            double valFraction, long seed, Split split, String reuseSpec, PixelStorage storage,
                            boolean scaleByStd, int partitions, int progressSeconds, boolean overwrite,
                            String cacheLevel) {
        this(source, output, crop, imageSize, shards, valFraction, seed, split, reuseSpec, storage, scaleByStd,
                partitions, progressSeconds, overwrite, cacheLevel, Reads.DEFAULT);
    }

    public PreprocessConfig {
        if (reads == null) {
            throw new IllegalArgumentException("reads is required (the read limits; Reads.DEFAULT for the defaults)");
        }
        if (output == null || output.isBlank()) {
            throw new IllegalArgumentException("output is required: the directory to write shards and metadata.json to");
        }
        if (reuseSpec == null && imageSize <= 0) {
            throw new IllegalArgumentException("image-size is required (a positive number of pixels, e.g. 64) unless reuse-spec is set");
        }
        if (imageSize < 0 || imageSize > 4096) {
            throw new IllegalArgumentException("image-size must be between 1 and 4096, got " + imageSize);
        }
        if (shards < 0) {
            throw new IllegalArgumentException("shards must be >= 0 (0: automatic), got " + shards);
        }
        if (!(valFraction >= 0 && valFraction < 1)) {
            throw new IllegalArgumentException("val-fraction must be in [0, 1), got " + valFraction);
        }
        if (split == Split.TEST && reuseSpec == null) {
            throw new IllegalArgumentException("split=test needs reuse-spec: a held-out set is normalized with the training set's mean,"
                    + " so pass --reuse-spec <train-output>/metadata.json");
        }
        if (partitions < 0) {
            throw new IllegalArgumentException("partitions must be >= 0 (0: automatic), got " + partitions);
        }
        if (cacheLevel == null || !cacheLevel.equalsIgnoreCase("auto")) {
            try {
                org.apache.spark.storage.StorageLevel.fromString(cacheLevel == null ? "" : cacheLevel);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("cache-level must be auto or a Spark storage level (MEMORY_AND_DISK_SER,"
                        + " DISK_ONLY, ...), got '" + cacheLevel + "'");
            }
        }
        if (progressSeconds <= 0) {
            throw new IllegalArgumentException("progress-seconds must be positive, got " + progressSeconds);
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
            return new PreprocessConfig(source, c.getString("output"),
                    new CropSpec(c.getDouble("margin"), c.getBoolean("square"), Interpolation.of(c.getString("interpolation"))),
                    c.getInt("image-size"), c.getInt("shards"), c.getDouble("val-fraction"), c.getLong("seed"),
                    split.equalsIgnoreCase("auto") ? null : Split.of(split), Settings.optionalString(c, "reuse-spec"),
                    PixelStorage.of(c.getString("storage")), c.getBoolean("scale-by-std"), c.getInt("partitions"),
                    c.getInt("progress-seconds"), c.getBoolean("overwrite"), c.getString("cache-level"),
                    new Reads(c.getBoolean("allow-paths-outside-root"), c.getBytes("max-file-bytes"), c.getLong("max-pixels")));
        } catch (com.typesafe.config.ConfigException e) {
            throw new IllegalArgumentException("bad setting: " + e.getMessage(), e);
        }
    }
}
