package io.sparkinception.trainer.kernels;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Which CPU kernels DL4J's convolution, batch-norm, pooling and LRN layers run on (the {@code kernels} key of train,
 * ensemble, evaluate, predict, the Spark ML API and bench).
 */
public enum Kernels {
    /** DL4J's oneDNN layer helpers (MKLDNNConvHelper, ...), on ND4J's oneDNN binary: 2.1-2.6x faster training (BENCHMARKS.md). */
    ONEDNN("onednn"),
    /** DL4J's own Java implementations (im2col + GEMM for convolutions): the reference the oneDNN path is tested against. */
    BUILTIN("builtin");

    private final String id;

    Kernels(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** Parses a setting value; {@code key} names the setting in the message (e.g. {@code kernels}). */
    public static Kernels of(String value, String key) {
        for (Kernels k : values()) {
            if (k.id.equals(value == null ? null : value.trim().toLowerCase(Locale.ROOT))) {
                return k;
            }
        }
        throw new IllegalArgumentException(key + " must be one of " + Arrays.stream(values()).map(Kernels::id)
                .collect(Collectors.joining(" | ")) + ", got '" + value + "'");
    }

    public static Kernels of(String value) {
        return of(value, "--kernels");
    }

    @Override
    public String toString() {
        return id;
    }
}
