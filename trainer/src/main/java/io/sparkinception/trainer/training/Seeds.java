package io.sparkinception.trainer.training;

/** Stateless seed derivation: every random choice of a run is a pure function of the run seed and its coordinates. */
public final class Seeds {
    private Seeds() {
    }

    /** SplitMix64 of a combination of values. */
    public static long mix(long seed, long... parts) {
        long z = seed;
        for (long p : parts) {
            z = finalize(z ^ finalize(p + 0x9E3779B97F4A7C15L));
        }
        return z;
    }

    private static long finalize(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
