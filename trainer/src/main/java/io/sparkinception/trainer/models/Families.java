package io.sparkinception.trainer.models;

/** Checks shared by the family classes. */
final class Families {

    private Families() {
    }

    static void requireFamily(ModelSpec spec, ModelFamily expected) {
        if (spec == null) {
            throw new IllegalArgumentException("spec is required");
        }
        if (spec.family() != expected) {
            throw new IllegalArgumentException("a " + spec.family().id() + " spec was given to the " + expected.id()
                    + " builder; use InceptionZoo.configure(spec)");
        }
    }
}
