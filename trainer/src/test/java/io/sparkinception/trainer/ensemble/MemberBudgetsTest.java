package io.sparkinception.trainer.ensemble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.common.Json;
import io.sparkinception.trainer.training.TimeBudget;
import io.sparkinception.trainer.training.TrainConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** An ensemble's time budget split among its members as they start, on a fake clock. */
class MemberBudgetsTest {
    private static final long MINUTE = 60_000_000_000L;
    private final AtomicLong now = new AtomicLong();

    private MemberBudgets budgets(String total, int concurrent, int toTrain, MemberBudgets.Record recorded) {
        double[] equal = new double[toTrain];
        java.util.Arrays.fill(equal, 1.0);
        return new MemberBudgets(TimeBudget.parse(total, 3), concurrent, costs(equal), recorded, now::get);
    }

    /** {@code member-1 -> cost[0]}, {@code member-2 -> cost[1]}, ... in order. */
    private static Map<String, Double> costs(double... cost) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < cost.length; i++) {
            out.put("member-" + (i + 1), cost[i]);
        }
        return out;
    }

    @Test
    void oneAfterAnotherEachMemberGetsWhatIsLeftOverTheMembersLeft() {
        MemberBudgets b = budgets("70m", 1, 7, null);
        assertEquals("10m", b.start("member-1"));
        now.addAndGet(12 * MINUTE);
        b.finish("member-1");
        // 58 minutes left for 6 members.
        assertEquals("9m40s", b.start("member-2"));
        assertEquals(Map.of("member-1", "10m", "member-2", "9m40s"), b.record().shares());
    }

    @Test
    void splitByCostAWiderMemberGetsMinutesInProportionAndTheTotalStaysOnBudget() {
        // Six members of cost 1 and a last one of cost 1.5: 90 minutes are 7.5 cost units of 12 minutes.
        MemberBudgets b = new MemberBudgets(TimeBudget.parse("90m", 3), 1, costs(1, 1, 1, 1, 1, 1, 1.5), null, now::get);
        for (int i = 1; i <= 6; i++) {
            assertEquals("12m", b.start("member-" + i));
            now.addAndGet(12 * MINUTE);
            b.finish("member-" + i);
        }
        assertEquals("18m", b.start("member-7"));

        // A member that ended early hands its minutes to the rest in proportion: 10 minutes left over 2.5 units.
        now.set(0);
        MemberBudgets c = new MemberBudgets(TimeBudget.parse("40m", 3), 1, costs(1, 1, 2), null, now::get);
        assertEquals("10m", c.start("member-1"));
        now.addAndGet(5 * MINUTE);
        c.finish("member-1");
        // 35 minutes for member-2 (1) and member-3 (2).
        assertEquals("11m40s", c.start("member-2"));
        now.addAndGet(11 * MINUTE);
        c.finish("member-2");
        assertEquals("24m", c.start("member-3"));
    }

    @Test
    void concurrentMembersSplitByCostWeighTheirWaveShare() {
        // 4 members 2 at a time, costs 1, 1, 1, 3 (mean 1.5): 2 waves of 30 minutes; the first two start with
        // 30 x 1 / 1.5 = 20 minutes each.
        MemberBudgets b = new MemberBudgets(TimeBudget.parse("60m", 3), 2, costs(1, 1, 1, 3), null, now::get);
        assertEquals("20m", b.start("member-1"));
        assertEquals("20m", b.start("member-2"));
        now.addAndGet(20 * MINUTE);
        b.finish("member-1");
        b.finish("member-2");
        // 40 minutes, one wave of members 3 and 4 (mean cost 2): member-3 gets half the wave; member-4's 1.5 waves
        // are capped at the 40 minutes left, since it runs beside member-3, not after it.
        assertEquals("20m", b.start("member-3"));
        assertEquals("40m", b.start("member-4"));
    }

    @Test
    void costsMustBePositiveAndOnlyMembersLeftToTrainStart() {
        assertThrows(IllegalArgumentException.class, () -> new MemberBudgets(TimeBudget.parse("1h", 3), 1,
                costs(0), null, now::get));
        MemberBudgets b = budgets("1h", 1, 2, null);
        b.start("member-1");
        assertThrows(IllegalStateException.class, () -> b.start("member-1"));
        assertThrows(IllegalStateException.class, () -> b.start("member-9"));
    }

    @Test
    void concurrentMembersShareByWaves() {
        MemberBudgets b = budgets("70m", 3, 7, null);
        // 7 members 3 at a time: 3 waves; the first three start together, each with a third.
        for (String m : new String[] {"member-1", "member-2", "member-3"}) {
            assertEquals("23m20s", b.start(m));
        }
        now.addAndGet(20 * MINUTE);
        b.finish("member-1");
        // 4 not started and 2 running: 2 waves left for the 50 minutes.
        assertEquals("25m", b.start("member-4"));
    }

    @Test
    void aRerunKeepsTheRecordedSharesAndCountsTheTimeSpentBefore() throws Exception {
        MemberBudgets first = budgets("1h", 1, 3, null);
        assertEquals("20m", first.start("member-1"));
        now.addAndGet(30 * MINUTE);
        MemberBudgets.Record saved = Json.mapper().readValue(Json.toJson(first.record()), MemberBudgets.Record.class);
        assertEquals(first.record(), saved);

        // Interrupted during member-1 after 30 minutes; the rerun resumes member-1 and trains members 2 and 3.
        now.set(0);
        MemberBudgets again = budgets("1h", 1, 3, saved);
        assertEquals("20m", again.start("member-1"));
        now.addAndGet(10 * MINUTE);
        again.finish("member-1");
        // 60 - 30 - 10 = 20 minutes for 2 members.
        assertEquals("10m", again.start("member-2"));
    }

    @Test
    void anExhaustedBudgetStillGivesEachMemberASecond() {
        MemberBudgets b = budgets("1m", 1, 2, null);
        b.start("member-1");
        assertFalse(b.exhausted());
        now.addAndGet(2 * MINUTE);
        b.finish("member-1");
        assertTrue(b.exhausted());
        assertEquals("1s", b.start("member-2"));
    }

    @Test
    void theEnsembleBudgetParsesInTheFlagsWordsAndExcludesAPerMemberOne() {
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> EnsembleConfig.load(null,
                Map.of("data", "/d", "output", "/o", "time-budget", "half an hour")));
        assertTrue(bad.getMessage().startsWith("--time-budget must look like"), bad.getMessage());
        EnsembleConfig e = EnsembleConfig.load(null, Map.of("data", "/d", "output", "/o", "time-budget", "2h"));
        TrainConfig base = TrainConfig.load(null, Map.of("data", "/d", "output", "/o", "time-budget", "10m"));
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class, () -> e.check(base, null, "/d"));
        assertTrue(both.getMessage().contains("set one of them"), both.getMessage());
        EnsembleMember m = EnsembleMember.plan(e, base).get(0);
        assertEquals("17m8s", m.trainConfig(base, "/d", "/o/member-1", false, "17m8s").timeBudget());
    }
}
