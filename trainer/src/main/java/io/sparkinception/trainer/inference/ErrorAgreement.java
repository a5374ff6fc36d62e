package io.sparkinception.trainer.inference;

import java.io.Serializable;

/**
 * How the members' top-1 errors coincide on the evaluated examples ({@link ErrorAgreementAccumulator}). Pure; the
 * arrays are not copied.
 *
 * @param examples    examples counted
 * @param correct     per member, the examples it gets right (top-1)
 * @param bothWrong   {@code [i][j]}: examples members i and j both get wrong
 * @param eitherWrong {@code [i][j]}: examples at least one of members i and j gets wrong
 */
public record ErrorAgreement(long examples, long[] correct, long[][] bothWrong, long[][] eitherWrong)
        implements Serializable {

    public int members() {
        return correct.length;
    }

    /** Member i's top-1 accuracy; NaN without examples. */
    public double top1(int i) {
        return examples == 0 ? Double.NaN : correct[i] / (double) examples;
    }

    /**
     * The error overlap of members i and j: {@code bothWrong / eitherWrong}, the share of the examples either gets
     * wrong that both get wrong (1: they fail on the same examples; 0: never together); NaN when neither errs.
     */
    public double overlap(int i, int j) {
        return eitherWrong[i][j] == 0 ? Double.NaN : bothWrong[i][j] / (double) eitherWrong[i][j];
    }

    /**
     * Cohen's kappa of the two members' correctness (right / wrong per example): {@code (po - pe) / (1 - pe)} with
     * {@code po} the share of examples where they agree (both right or both wrong) and {@code pe} the agreement
     * expected from their accuracies alone; 1 = they are right and wrong on the same examples, 0 = no more than
     * chance, negative = less. NaN when {@code pe = 1} (both always right, or both always wrong).
     */
    public double kappa(int i, int j) {
        if (examples == 0) {
            return Double.NaN;
        }
        double n = examples;
        double bothRight = n - eitherWrong[i][j];
        double po = (bothRight + bothWrong[i][j]) / n;
        double a = correct[i] / n;
        double b = correct[j] / n;
        double pe = a * b + (1 - a) * (1 - b);
        return pe >= 1 ? Double.NaN : (po - pe) / (1 - pe);
    }
}
