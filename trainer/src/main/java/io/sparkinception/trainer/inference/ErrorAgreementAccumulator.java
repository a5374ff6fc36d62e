package io.sparkinception.trainer.inference;

import java.io.Serializable;

/**
 * Running counts of how the members' top-1 errors coincide: per member the examples it gets right, per pair of
 * members the examples both get wrong and those at least one gets wrong. Executors {@link #add} their examples,
 * the driver {@link #merge}s the partitions (integer counts: the order does not change the result) and reads
 * {@link #result()}. A member is right on an example when {@link ExampleScore#top1()} holds (a diverged output is
 * wrong). Mutable like {@link MetricsAccumulator}; {@code merge} never modifies its argument. Not thread-safe.
 */
public final class ErrorAgreementAccumulator implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int members;
    private long examples;
    private final long[] correct;
    private final long[][] bothWrong;
    private final long[][] eitherWrong;

    public ErrorAgreementAccumulator(int members) {
        if (members <= 0) {
            throw new IllegalArgumentException("number of members must be positive, got " + members);
        }
        this.members = members;
        this.correct = new long[members];
        this.bothWrong = new long[members][members];
        this.eitherWrong = new long[members][members];
    }

    /** Adds one example: {@code correct[i]} is whether member i's top-1 class is the label. */
    public ErrorAgreementAccumulator add(boolean[] right) {
        if (right.length != members) {
            throw new IllegalArgumentException(right.length + " members' results for an accumulator of " + members);
        }
        examples++;
        for (int i = 0; i < members; i++) {
            if (right[i]) {
                correct[i]++;
            }
            for (int j = 0; j < members; j++) {
                if (!right[i] && !right[j]) {
                    bothWrong[i][j]++;
                }
                if (!right[i] || !right[j]) {
                    eitherWrong[i][j]++;
                }
            }
        }
        return this;
    }

    /** Adds one example from the members' probability vectors ({@code [member][class]}) and its label. */
    public ErrorAgreementAccumulator add(double[][] perMember, int label) {
        boolean[] right = new boolean[perMember.length];
        for (int i = 0; i < right.length; i++) {
            right[i] = ExampleScore.of(perMember[i], label).top1();
        }
        return add(right);
    }

    /** Adds {@code other}'s counts to this one's (other is unchanged). */
    public ErrorAgreementAccumulator merge(ErrorAgreementAccumulator other) {
        if (other.members != members) {
            throw new IllegalArgumentException("cannot merge the agreement of " + other.members + " members into "
                    + members);
        }
        examples += other.examples;
        for (int i = 0; i < members; i++) {
            correct[i] += other.correct[i];
            for (int j = 0; j < members; j++) {
                bothWrong[i][j] += other.bothWrong[i][j];
                eitherWrong[i][j] += other.eitherWrong[i][j];
            }
        }
        return this;
    }

    /** An independent copy. */
    public ErrorAgreementAccumulator copy() {
        return new ErrorAgreementAccumulator(members).merge(this);
    }

    /** The counts so far, as a value. */
    public ErrorAgreement result() {
        long[][] both = new long[members][];
        long[][] either = new long[members][];
        for (int i = 0; i < members; i++) {
            both[i] = bothWrong[i].clone();
            either[i] = eitherWrong[i].clone();
        }
        return new ErrorAgreement(examples, correct.clone(), both, either);
    }
}
