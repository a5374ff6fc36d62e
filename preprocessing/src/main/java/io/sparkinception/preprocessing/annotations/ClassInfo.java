package io.sparkinception.preprocessing.annotations;

import java.io.Serializable;

/**
 * One class: its index (the network's output unit), the label as it appears in annotations, and a
 * human-readable name.
 */
public record ClassInfo(int index, String label, String name) implements Serializable {
}
