package io.sparkinception.preprocessing.annotations;

import java.util.Locale;

/** Why an input record was not written. Every input record is either written or skipped with one of these. */
public enum SkipReason {
    /** The annotation row or object could not be parsed (missing columns, non-numeric coordinates, bad XML). */
    MALFORMED_RECORD,
    /** The image file named by the record does not exist. */
    MISSING_FILE,
    /** The image path leaves the images root (`..`, an absolute path, another scheme, a symbolic link out of it). */
    PATH_OUTSIDE_ROOT,
    /** The image file exists but could not be read (I/O error), or is not a regular file (directory, device, FIFO). */
    READ_ERROR,
    /** The file is larger than {@code max-file-bytes}. */
    FILE_TOO_LARGE,
    /** The file is not a decodable image, or is truncated/corrupt. */
    CORRUPT_IMAGE,
    /** The image header declares more than {@code max-pixels} pixels, or decoding it ran out of memory. */
    IMAGE_TOO_LARGE,
    /** x2 &lt; x1 or y2 &lt; y1. */
    INVERTED_BOX,
    /** The box has zero width or height. */
    ZERO_AREA_BOX,
    /** The box shares no pixel with the image. */
    BOX_OUTSIDE_IMAGE,
    /** The label is not in the class list (the --class-names file or the reused spec's classes). */
    UNKNOWN_LABEL,
    /** The same image, label and box appeared in an earlier record; the first one is kept. */
    DUPLICATE_RECORD;

    @com.fasterxml.jackson.annotation.JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    @com.fasterxml.jackson.annotation.JsonCreator
    public static SkipReason of(String id) {
        return valueOf(id.trim().toUpperCase(Locale.ROOT));
    }
}
