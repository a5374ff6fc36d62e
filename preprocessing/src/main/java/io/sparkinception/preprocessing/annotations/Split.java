package io.sparkinception.preprocessing.annotations;

import java.util.Locale;

/** The dataset splits written as {@code <out>/train}, {@code <out>/val} and {@code <out>/test}. */
public enum Split {
    TRAIN, VAL, TEST;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Split of(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown split '" + name + "' (known: train, val, test)");
        }
    }
}
