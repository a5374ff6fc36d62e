package io.sparkinception.trainer.ensemble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.common.Json;
import io.sparkinception.trainer.training.TimeBudget;
import io.sparkinception.trainer.training.TrainConfig;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** An ensemble's time budget split among its members as they start, on a fake clock. */
class MemberBudgetsTest {
    private static final long MINUTE = 60_000_000_000L;
    private final AtomicLong now = new AtomicLong();

    private MemberBudgets budgets(String total, int concurrent, int toTrain, MemberBudgets.Record recorded) {
        return new MemberBudgets(TimeBudget.parse(total, 3), concurrent, toTrain, recorded, now::get);
    }

    @Test
    void oneAfterAnotherEachMemberGetsWhatIsLeftOverTheMembersLeft() {
        MemberBudgets b = budgets("70m", 1, 7, null);
        assertEquals("10m", b.start("member-1"));
        now.addAndGet(12 * MINUTE);
        b.finish();
        // 58 minutes left for 6 members.
        assertEquals("9m40s", b.start("member-2"));
        assertEquals(Map.of("member-1", "10m", "member-2", "9m40s"), b.record().shares());
    }

    @Test
    void concurrentMembersShareByWaves() {
        MemberBudgets b = budgets("70m", 3, 7, null);
        // 7 members 3 at a time: 3 waves; the first three start together, each with a third.
        for (String m : new String[] {"member-1", "member-2", "member-3"}) {
            assertEquals("23m20s", b.start(m));
        }
        now.addAndGet(20 * MINUTE);
        b.finish();
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
        again.finish();
        // 60 - 30 - 10 = 20 minutes for 2 members.
        assertEquals("10m", again.start("member-2"));
    }

    @Test
    void anExhaustedBudgetStillGivesEachMemberASecond() {
        MemberBudgets b = budgets("1m", 1, 2, null);
        b.start("member-1");
        assertFalse(b.exhausted());
        now.addAndGet(2 * MINUTE);
        b.finish();
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
