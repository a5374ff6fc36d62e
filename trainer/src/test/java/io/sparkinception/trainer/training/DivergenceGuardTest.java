package io.sparkinception.trainer.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The divergence check alone, on hand-made round results. */
class DivergenceGuardTest {
    private static Aggregate round(double loss, float param, float updater) {
        return new Aggregate(new float[] {1, param, 3}, new float[] {updater, 0}, loss * 2, 2, 8, 2, 0, 0);
    }

    @Test
    void finiteRoundsAreKept() {
        DivergenceGuard g = new DivergenceGuard(DivergenceGuard.Policy.STOP, 0);
        assertEquals(DivergenceGuard.Action.KEEP, g.check(1, round(2.5, 1, 1), true).action());
        assertEquals(1.0, g.learningRateScale());
    }

    @Test
    void stopNamesTheRoundTheLossAndTheFault() {
        DivergenceGuard g = new DivergenceGuard(DivergenceGuard.Policy.STOP, 0);
        DivergenceGuard.Verdict v = g.check(7, round(Double.NaN, 1, 1), true);
        assertEquals(DivergenceGuard.Action.STOP, v.action());
        assertTrue(v.message().startsWith("round 7 diverged: loss NaN, 0 of 3 averaged parameters"), v.message());
        assertEquals("stop", v.event().action());
        assertEquals(7L, v.event().round());
        // A finite loss with an infinite parameter, or an infinite updater value, is a fault too.
        assertEquals(DivergenceGuard.Action.STOP, g.check(8, round(1, Float.POSITIVE_INFINITY, 1), true).action());
        assertTrue(g.check(9, round(1, 1, Float.NaN), true).message().contains("1 of 2 updater values non-finite"));
        // ... unless the updater state is not averaged into the driver (then the driver keeps its own).
        assertEquals(DivergenceGuard.Action.KEEP, g.check(10, round(1, 1, Float.NaN), false).action());
    }

    @Test
    void skipHalvesEachTimeResetsOnAGoodRoundAndStopsAtTheThirdInARow() {
        DivergenceGuard g = new DivergenceGuard(DivergenceGuard.Policy.SKIP_ROUND_AND_HALVE_LR, 0);
        assertEquals(DivergenceGuard.Action.SKIP, g.check(3, round(Double.NaN, 1, 1), true).action());
        assertEquals(0.5, g.learningRateScale());
        assertEquals(DivergenceGuard.Action.KEEP, g.check(4, round(1, 1, 1), true).action());
        assertEquals(DivergenceGuard.Action.SKIP, g.check(5, round(Double.POSITIVE_INFINITY, 1, 1), true).action());
        DivergenceGuard.Verdict second = g.check(6, round(1, Float.NaN, 1), true);
        assertEquals(DivergenceGuard.Action.SKIP, second.action());
        assertEquals(0.125, second.event().learningRateScale());
        assertEquals(3, g.halvings());
        DivergenceGuard.Verdict third = g.check(7, round(Double.NaN, 1, 1), true);
        assertEquals(DivergenceGuard.Action.STOP, third.action());
        assertTrue(third.message().contains("3 faulty rounds in a row"), third.message());
        assertEquals(3, g.halvings(), "the stopping round does not halve");
    }

    @Test
    void halvingsCarryOverAResume() {
        DivergenceGuard g = new DivergenceGuard(DivergenceGuard.Policy.SKIP_ROUND_AND_HALVE_LR, 2);
        assertEquals(0.25, g.learningRateScale());
    }

    @Test
    void thePolicyIsParsedWithItsKnownNames() {
        assertEquals(DivergenceGuard.Policy.STOP, DivergenceGuard.Policy.of("stop"));
        assertEquals(DivergenceGuard.Policy.SKIP_ROUND_AND_HALVE_LR, DivergenceGuard.Policy.of("skip-round-and-halve-lr"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DivergenceGuard.Policy.of("ignore"));
        assertTrue(e.getMessage().contains("known: stop, skip-round-and-halve-lr"), e.getMessage());
        assertEquals(DivergenceGuard.Policy.SKIP_ROUND_AND_HALVE_LR, TrainConfig.load(null, java.util.Map.of("data", "d",
                "output", "o", "on-divergence", "skip-round-and-halve-lr")).onDivergence());
        assertEquals(DivergenceGuard.Policy.STOP, TrainConfig.load(null, java.util.Map.of("data", "d", "output", "o"))
                .onDivergence());
    }
}
