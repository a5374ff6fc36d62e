package io.sparkinception.preprocessing;

import io.sparkinception.preprocessing.annotations.ClassInfo;
import io.sparkinception.preprocessing.annotations.Skipped;
import com.fasterxml.jackson.annotation.JsonCreator;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * {@code <output>/metadata.json}: everything needed to read the shards and to preprocess new images the same
 * way. Written last, so its presence marks a finished run. JSON keys are the snake_case field names.
 *
 * @param formatVersion bumped when the layout changes incompatibly
 * @param createdBy     tool and library versions
 * @param input         what was read
 * @param spec          how records became tensors (reused by evaluation and scoring)
 * @param classes       index to label and name
 * @param counts        input, written and skipped records, per split, per class, per reason
 * @param shards        Parquet files written per split
 * @param skipped       every skipped record with its reason
 */
public record DatasetMetadata(int formatVersion, String createdAt, Map<String, String> createdBy, Input input,
                              Spec spec, List<ClassInfo> classes, Counts counts, Map<String, Integer> shards,
                              List<Skipped> skipped) implements Serializable {

    /**
     * 2: {@code pixels} is a {@code binary} column of raw values for every storage (readers normalize); 1: float32
     * was {@code array<float>} and float32/float16 held normalized values (still read, see
     * {@link Spec#pixelsNormalized()}).
     */
    public static final int FORMAT_VERSION = 2;
    /** The oldest format this build reads. */
    public static final int OLDEST_READABLE_VERSION = 1;

    /** The source that was read and how records were assigned to splits. */
    public record Input(String format, String input, String imagesRoot, String classNames, String split,
                        double valFraction, long seed, String reusedSpec) implements Serializable {
    }

    /**
     * How a record becomes a tensor: crop the box (grown by {@code margin}, made square if {@code square},
     * clamped to the image), resize to {@code imageSize} x {@code imageSize} with {@code interpolation},
     * RGB values 0-255, CHW layout, then {@code (x - mean[c]) / (scaleByStd ? std[c] : 1)}.
     *
     * @param pixelsNormalized whether the {@code pixels} column holds the normalized tensor (format 1 float32 and
     *                         float16 shards) rather than the raw values readers normalize (format 2, and uint8 always)
     */
    public record Spec(int imageSize, int channels, String layout, String storage, String interpolation,
                       double margin, boolean square, boolean scaleByStd, double[] mean, double[] std,
                       long meanPixels, boolean pixelsNormalized) implements Serializable {

        @JsonCreator
        public Spec {
        }

        /** A spec of the current format: raw values in the {@code pixels} column. */
        public Spec(int imageSize, int channels, String layout, String storage, String interpolation, double margin,
                    boolean square, boolean scaleByStd, double[] mean, double[] std, long meanPixels) {
            this(imageSize, channels, layout, storage, interpolation, margin, square, scaleByStd, mean, std, meanPixels,
                    false);
        }

        /** This spec with its statistics: the mean and std of {@code meanPixels} training pixels. */
        public Spec withStats(double[] mean, double[] std, long meanPixels) {
            return new Spec(imageSize, channels, layout, storage, interpolation, margin, square, scaleByStd, mean, std,
                    meanPixels, pixelsNormalized);
        }

        /** This spec as shards written now store it: raw values (what {@code --reuse-spec} of a format 1 run writes). */
        public Spec asWritten() {
            return new Spec(imageSize, channels, layout, storage, interpolation, margin, square, scaleByStd, mean, std,
                    meanPixels, false);
        }

        /** A format 1 spec read from its metadata.json: float32 and float16 were stored normalized. */
        Spec asFormatOne() {
            return new Spec(imageSize, channels, layout, storage, interpolation, margin, square, scaleByStd, mean, std,
                    meanPixels, pixelStorage() != PixelStorage.UINT8);
        }

        /** The per-channel divisor applied after subtracting the mean. */
        public float[] scale() {
            float[] s = new float[channels];
            for (int c = 0; c < channels; c++) {
                s[c] = scaleByStd ? (float) std[c] : 1f;
            }
            return s;
        }

        public float[] meanFloats() {
            float[] m = new float[channels];
            for (int c = 0; c < channels; c++) {
                m[c] = (float) mean[c];
            }
            return m;
        }

        public PixelStorage pixelStorage() {
            return PixelStorage.of(storage);
        }
    }

    /**
     * @param perSplit        records written per split
     * @param perClass        per split, records written per class index
     * @param skippedByReason skipped records per reason code
     */
    public record Counts(long inputRecords, long written, long skipped, Map<String, Long> perSplit,
                         Map<String, long[]> perClass, Map<String, Long> skippedByReason) implements Serializable {
        /** True when every input record is either written or skipped. */
        public boolean reconciles() {
            return inputRecords == written + skipped;
        }
    }
}
