package io.sparkinception.trainer.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.trainer.models.ScheduleWarp.Replan;
import io.sparkinception.trainer.models.TrainingRecipe.LearningRate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.schedule.ScheduleType;

/** The re-planned schedule: continuous where the length changes, at its floor where the run now ends. */
class ScheduleWarpTest {
    private static final double STEP = 0.05; // 20 steps an epoch

    private static LearningRate cosine(double epochs, double warmup, ScheduleWarp warp) {
        return new LearningRate(0.1, new Decay.Cosine(epochs, 0.01), warmup, 20, warp);
    }

    @Test
    void withoutARePlanEveryEpochIsItselfAndTheScheduleIsTheOldOne() {
        for (double e : new double[] {0, 0.05, 1.3, 7.77, 10, 12}) {
            assertEquals(e, ScheduleWarp.NONE.scheduleEpoch(e));
            assertEquals(cosine(10, 1, null).at(e, STEP), cosine(10, 1, ScheduleWarp.NONE).at(e, STEP));
        }
        LearningRate plain = new LearningRate(0.1, new Decay.Cosine(10, 0.01), 1, 20);
        assertEquals("initial=0.1 warmup=1.0 decay=cosine(10.0,0.01)", plain.spec(), "the spec workers parse is unchanged");
        assertEquals(plain, cosine(10, 1, ScheduleWarp.of(10, 1, List.of())));
    }

    @Test
    void aLongerRunStretchesTheRestOfTheScheduleWithoutAJumpAndEndsItAtTheNewEnd() {
        LearningRate before = cosine(10, 0, ScheduleWarp.NONE);
        LearningRate after = cosine(10, 0, ScheduleWarp.of(10, 0, List.of(new Replan(2, 15))));
        for (int i = 0; i <= 40; i++) {
            double e = i / 20.0;
            assertEquals(before.at(e, STEP), after.at(e, STEP), 0.0, "up to the re-plan nothing changes: " + e);
        }
        assertEquals(before.at(2, STEP), after.at(2, STEP), 0.0, "the rate at the re-plan is unchanged");
        // Half way through the rest of the new run is half way through the rest of the old one.
        assertEquals(before.at(6, STEP), after.at(8.5, STEP), 1e-15);
        double floor = before.at(10, STEP);
        assertEquals(0.001, floor, 1e-18);
        assertEquals(floor, after.at(15, STEP), 0.0, "the floor falls at the new end");
        assertTrue(after.at(15 - STEP, STEP) > floor);
        assertTrue(after.at(10, STEP) > 0.01, "where the old run ended, the new one is still decaying");
        for (int i = 40; i < 300; i++) {
            assertTrue(after.at((i + 1) / 20.0, STEP) <= after.at(i / 20.0, STEP), "still decreasing at step " + i);
        }
    }

    @Test
    void aShorterRunCompressesTheRestAndReachesTheFloorSooner() {
        LearningRate before = cosine(10, 0, ScheduleWarp.NONE);
        LearningRate after = cosine(10, 0, ScheduleWarp.of(10, 0, List.of(new Replan(2, 6))));
        assertEquals(before.at(2, STEP), after.at(2, STEP), 0.0);
        assertEquals(before.at(6, STEP), after.at(4, STEP), 1e-15);
        assertEquals(before.at(10, STEP), after.at(6, STEP), 0.0);
        assertEquals(before.at(10, STEP), after.at(9, STEP), 0.0, "and stays there");
    }

    @Test
    void aSecondRePlanStretchesWhatTheFirstLeftContinuously() {
        ScheduleWarp once = ScheduleWarp.of(10, 0, List.of(new Replan(2, 15)));
        ScheduleWarp twice = ScheduleWarp.of(10, 0, List.of(new Replan(2, 15), new Replan(4, 12)));
        LearningRate a = cosine(10, 0, once);
        LearningRate b = cosine(10, 0, twice);
        for (int i = 0; i <= 80; i++) {
            assertEquals(a.at(i / 20.0, STEP), b.at(i / 20.0, STEP), 0.0, "the plans before stay: step " + i);
        }
        double floor = cosine(10, 0, ScheduleWarp.NONE).at(10, STEP);
        assertEquals(floor, b.at(12, STEP), 0.0);
        assertTrue(b.at(12 - STEP, STEP) > floor);
        assertEquals(once.scheduleEpoch(4) + (10 - once.scheduleEpoch(4)) / 2, twice.scheduleEpoch(8), 1e-12);
    }

    @Test
    void aWarmUpStillRunningKeepsItsLengthInEpochsAndTheDecayFollowsIt() {
        LearningRate first = cosine(10, 3, ScheduleWarp.NONE);
        LearningRate replanned = cosine(10, 3, ScheduleWarp.of(10, 3, List.of(new Replan(1, 20))));
        LearningRate plannedSo = cosine(20, 3, ScheduleWarp.NONE);
        for (int i = 0; i <= 60; i++) {
            assertEquals(first.at(i / 20.0, STEP), replanned.at(i / 20.0, STEP), 0.0, "the warm-up is untouched: " + i);
        }
        for (int i = 60; i <= 400; i++) {
            assertEquals(plannedSo.at(i / 20.0, STEP), replanned.at(i / 20.0, STEP), 1e-15,
                    "as if 20 epochs were planned: step " + i);
        }
        assertEquals(first.at(10, STEP), replanned.at(20, STEP), 0.0);
    }

    @Test
    void oneCycleIsStretchedFromWhereItIsEvenOnItsWayUp() {
        LearningRate before = new LearningRate(1.0, Decay.OneCycle.of(10), 0, 20);
        LearningRate after = before.withWarp(ScheduleWarp.of(10, 0, List.of(new Replan(1, 20))));
        assertEquals(before.at(1, STEP), after.at(1, STEP), 0.0);
        assertEquals(1.0, after.at(1 + 19 * 2.0 / 9, STEP), 1e-12, "the peak moves with the stretch");
        assertEquals(before.at(10, STEP), after.at(20, STEP), 0.0);
        assertTrue(after.at(20 - STEP, STEP) > before.at(10, STEP));
    }

    @Test
    void aRunThatNowEndsInsideItsWarmUpNeverReachesTheDecay() {
        ScheduleWarp w = ScheduleWarp.of(10, 3, List.of(new Replan(1, 2.5)));
        assertTrue(w.isIdentity());
    }

    @Test
    void theWarpTravelsInTheSpecTheWorkersParse() {
        LearningRate lr = cosine(10, 1, ScheduleWarp.of(10, 1, List.of(new Replan(2, 15), new Replan(4.25, 13))));
        assertTrue(lr.spec().contains(" warp="), lr.spec());
        LearningRate back = LearningRate.parse(lr.spec());
        assertEquals(lr.warp(), back.warp());
        assertEquals(lr.withStepsPerEpoch(0), back);
        RateSchedule s = assertInstanceOf(RateSchedule.class, lr.schedule(ScheduleType.ITERATION, 20));
        for (int i = 0; i < 300; i += 13) {
            assertEquals(lr.at(i / 20.0, STEP), s.valueAt(i, i / 20), 0.0, "step " + i);
        }
        assertEquals(lr.warp(), ScheduleWarp.parse(lr.warp().spec()));
        assertEquals(ScheduleWarp.NONE, ScheduleWarp.parse(""));
    }

    @Test
    void aStepDecayKeepsItsPeriodAndTakesNoWarp() {
        ScheduleWarp w = ScheduleWarp.of(10, 0, List.of(new Replan(2, 15)));
        assertFalse(w.isIdentity());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LearningRate(0.1, new Decay.Step(0.9, 2), 0, 20, w));
        assertTrue(e.getMessage().startsWith("a step decay keeps its period"), e.getMessage());
    }
}
