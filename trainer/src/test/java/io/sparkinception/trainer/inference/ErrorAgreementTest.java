package io.sparkinception.trainer.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ErrorAgreementTest {
    /** Right (true) or wrong per example (rows) and member (columns). */
    private static final boolean[][] RIGHT = {
            {true, true, true},
            {false, true, true},
            {false, false, true},
            {false, false, false},
            {true, false, true}};

    private static ErrorAgreementAccumulator of(int from, int to) {
        ErrorAgreementAccumulator a = new ErrorAgreementAccumulator(3);
        for (int e = from; e < to; e++) {
            a.add(RIGHT[e]);
        }
        return a;
    }

    @Test
    void countsOverlapAndKappaOfAHandComputedCase() {
        ErrorAgreement a = of(0, RIGHT.length).result();
        assertEquals(5, a.examples());
        assertArrayEquals(new long[] {2, 2, 4}, a.correct());
        // Members 0 and 1: both wrong on examples 3 and 4; either wrong on 2, 3, 4, 5.
        assertEquals(2, a.bothWrong()[0][1]);
        assertEquals(4, a.eitherWrong()[0][1]);
        assertEquals(0.5, a.overlap(0, 1));
        // po = (1 both right + 2 both wrong) / 5 = 0.6, pe = 0.4 x 0.4 + 0.6 x 0.6 = 0.52: kappa = 0.08 / 0.48.
        assertEquals(1 / 6.0, a.kappa(0, 1), 1e-12);
        // Members 0 and 2: both wrong on example 4 only; either wrong on 2, 3, 4.
        assertEquals(1, a.bothWrong()[0][2]);
        assertEquals(3, a.eitherWrong()[0][2]);
        assertEquals(1 / 3.0, a.overlap(0, 2), 1e-15);
        // po = (2 + 1) / 5 = 0.6, pe = 0.4 x 0.8 + 0.6 x 0.2 = 0.44: kappa = 0.16 / 0.56.
        assertEquals(2 / 7.0, a.kappa(0, 2), 1e-12);
        assertEquals(a.overlap(1, 2), a.overlap(2, 1));
        assertEquals(0.8, a.top1(2));
        // A member agrees perfectly with itself.
        assertEquals(1.0, a.overlap(1, 1));
        assertEquals(1.0, a.kappa(1, 1), 1e-12);
    }

    @Test
    void mergingPartitionsGivesTheCountsOfAllExamples() {
        ErrorAgreement whole = of(0, 5).result();
        ErrorAgreementAccumulator first = of(0, 2);
        ErrorAgreementAccumulator second = of(2, 5);
        ErrorAgreement merged = first.copy().merge(second).result();
        assertEquals(whole.examples(), merged.examples());
        assertArrayEquals(whole.correct(), merged.correct());
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(whole.bothWrong()[i], merged.bothWrong()[i]);
            assertArrayEquals(whole.eitherWrong()[i], merged.eitherWrong()[i]);
        }
        assertEquals(2, first.result().examples(), "merge leaves its argument and the copy's source alone");
        assertEquals(3, second.result().examples());
        assertThrows(IllegalArgumentException.class, () -> first.merge(new ErrorAgreementAccumulator(2)));
    }

    @Test
    void correctnessIsTheTop1OfEachMembersProbabilitiesAndUndefinedValuesAreNaN() {
        ErrorAgreementAccumulator a = new ErrorAgreementAccumulator(2);
        // Label 1: member 0 ties 0.5/0.5 (the lowest index wins: wrong), member 1 is right.
        a.add(new double[][] {{0.5, 0.5}, {0.2, 0.8}}, 1);
        // A diverged member is wrong.
        a.add(new double[][] {{Double.NaN, 1}, {0.1, 0.9}}, 1);
        ErrorAgreement r = a.result();
        assertArrayEquals(new long[] {0, 2}, r.correct());
        assertEquals(0, r.bothWrong()[0][1]);
        assertEquals(0.0, r.overlap(0, 1));
        ErrorAgreement allRight = new ErrorAgreementAccumulator(2).add(new boolean[] {true, true}).result();
        assertTrue(Double.isNaN(allRight.overlap(0, 1)), "no errors: no overlap");
        assertTrue(Double.isNaN(allRight.kappa(0, 1)), "both always right: kappa undefined");
    }
}
