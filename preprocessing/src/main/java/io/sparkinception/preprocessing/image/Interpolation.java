package io.sparkinception.preprocessing.image;

import java.util.Locale;

/** Resampling kernels for {@link Resize}. */
public enum Interpolation {
    /** The nearest source pixel (used by the trainer's random interpolation, as in the GoogLeNet paper). */
    NEAREST,
    /** Linear in x and y on pixel centres, no antialiasing (OpenCV's INTER_LINEAR). */
    BILINEAR,
    /** Keys' cubic convolution with a = -0.5, on pixel centres, no antialiasing (OpenCV uses a = -0.75). */
    BICUBIC,
    /** Exact area averaging: each output pixel is the coverage-weighted mean of the source pixels it covers.
     *  The right choice for shrinking; when enlarging it degrades to nearest-like blocks. */
    AREA;

    /** Parses a name case-insensitively, rejecting unknown names with the list of known ones. */
    public static Interpolation of(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown interpolation '" + name + "' (known: nearest, bilinear, bicubic, area)");
        }
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
