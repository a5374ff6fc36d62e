package io.sparkinception.trainer.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TimeBudgetTest {

    @Test
    void parsesHoursMinutesAndSeconds() {
        assertEquals(Duration.ofMinutes(30), TimeBudget.parse("30m", 3).budget());
        assertEquals(Duration.ofMinutes(90), TimeBudget.parse("1h30m", 3).budget());
        assertEquals(Duration.ofSeconds(7200 + 5), TimeBudget.parse(" 2H5s ", 3).budget());
        assertNull(TimeBudget.parse("", 3));
        for (String bad : new String[] {"30", "m", "-5m", "1.5h", "0s"}) {
            assertThrows(IllegalArgumentException.class, () -> TimeBudget.parse(bad, 3), bad);
        }
    }

    @Test
    void fillsWhatIsLeftWithRoundsAndTheirShareOfValidation() {
        TimeBudget b = TimeBudget.parse("10m", 3);
        // 600 s budget, 60 s spent on 4 rounds, 30 s kept for the end: 510 s left. Rounds cost 2 s; a validation
        // pass 10 s every epoch of 5 rounds adds 2 s per round: 510 / 4 = 127 more rounds.
        assertEquals(4 + 127, b.totalRounds(Duration.ofSeconds(60), 4, 2.0, 10.0, 5, 1, 30));
        // No validation: 510 / 2 = 255 more.
        assertEquals(4 + 255, b.totalRounds(Duration.ofSeconds(60), 4, 2.0, 10.0, 5, 0, 30));
        // Validation every 2 epochs costs half as much per round: 510 / 3 = 170.
        assertEquals(4 + 170, b.totalRounds(Duration.ofSeconds(60), 4, 2.0, 10.0, 5, 2, 30));
    }

    @Test
    void anExhaustedBudgetStillEndsWithOneMoreRound() {
        TimeBudget b = TimeBudget.parse("1m", 3);
        assertEquals(8, b.totalRounds(Duration.ofSeconds(75), 7, 2.0, 0, 5, 1, 0));
    }

    @Test
    void aBudgetReadsBackFromItsText() {
        for (String text : new String[] {"90s", "30m", "1h30m", "2h", "1h5s", "4m17s"}) {
            TimeBudget b = TimeBudget.parse(text, 3);
            assertEquals(b, TimeBudget.parse(b.text(), 3), text);
        }
        assertEquals("1m30s", TimeBudget.parse("90s", 3).text());
        assertEquals("2h", TimeBudget.parse("120m", 3).text());
    }

    @Test
    void whatIsLeftIsSplitPerWaveInWholeSecondsAndNeverBelowOne() {
        TimeBudget b = TimeBudget.parse("1h", 3);
        assertEquals(Duration.ofSeconds(1000), b.left(Duration.ofSeconds(600), 3).budget());
        assertEquals(Duration.ofSeconds(1066), b.left(Duration.ofSeconds(400), 3).budget());
        assertEquals(Duration.ofSeconds(1), b.left(Duration.ofHours(2), 2).budget());
        assertEquals(510.0, TimeBudget.parse("10m", 3).secondsLeft(Duration.ofSeconds(60), 30));
    }

    @Test
    void anEnsembleSplitsTheBudgetEvenly() {
        assertEquals(Duration.ofMinutes(10), TimeBudget.parse("1h10m", 2).share(7).budget());
        assertThrows(IllegalArgumentException.class, () -> TimeBudget.parse("1h", 2).share(0));
    }
}
