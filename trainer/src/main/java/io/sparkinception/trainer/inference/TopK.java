package io.sparkinception.trainer.inference;

/** The k most probable classes of a probability vector. Pure. */
public final class TopK {
    private TopK() {
    }

    /**
     * Class indices by decreasing probability, the first {@code min(k, p.length)}; ties go to the lower index
     * (the same order as the evaluation's argmax).
     */
    public static int[] of(double[] p, int k) {
        int n = Math.min(k, p.length);
        int[] idx = new int[n];
        boolean[] used = new boolean[p.length];
        for (int i = 0; i < n; i++) {
            int best = -1;
            for (int j = 0; j < p.length; j++) {
                if (!used[j] && (best < 0 || p[j] > p[best])) {
                    best = j;
                }
            }
            used[best] = true;
            idx[i] = best;
        }
        return idx;
    }
}
