package io.sparkinception.trainer.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.trainer.report.ReportInput.CurvePoint;
import io.sparkinception.trainer.training.DivergenceEvent;
import io.sparkinception.trainer.training.MetricsLine;
import io.sparkinception.trainer.training.RoundMetrics;
import io.sparkinception.trainer.training.RunRecords;
import io.sparkinception.trainer.training.ValidationMetrics;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A member's curve in the report comes from its metrics.jsonl as the trainer writes it, eval-data and wall time included. */
class ReportBuilderCurveTest {

    @Test
    void validationsCarryTheEvalDataScoresAndTheWallClock() {
        List<MetricsLine> written = List.of(
                new RoundMetrics(1, 1 / 13.0, 3.5, 0.045, 64, 100, 0.1, 0.6, 0.4, 0.05),
                new DivergenceEvent(1, Double.NaN, 0, 0, "skip", "skipped", null, 1),
                new ValidationMetrics(13, 1.0, 0.41, 0.7, 2.1, 500L, 0.39, 0.68, 2.2, 1200L, 95.5),
                new ValidationMetrics(26, 2.0, 0.52, 0.8, 1.7, 500L, null, null, null, null, 190.0));
        List<MetricsLine> read = RunRecords.parseMetrics(RunRecords.metricsJsonl(written), "metrics.jsonl");
        List<CurvePoint> curve = ReportBuilder.curve(read);

        assertEquals(3, curve.size(), "the divergence event is not a curve point");
        CurvePoint round = curve.get(0);
        assertEquals(CurvePoint.ROUND, round.type());
        assertEquals(3.5, round.loss());
        assertTrue(Double.isNaN(round.testTop1()) && Double.isNaN(round.wallSeconds()));

        CurvePoint first = curve.get(1);
        assertEquals(CurvePoint.VALIDATION, first.type());
        assertEquals(13, first.round());
        assertEquals(0.41, first.valTop1());
        assertEquals(0.39, first.testTop1());
        assertEquals(0.68, first.testTop5());
        assertEquals(2.2, first.testLoss());
        assertEquals(95.5, first.wallSeconds());

        CurvePoint second = curve.get(2);
        assertEquals(0.52, second.valTop1());
        assertTrue(Double.isNaN(second.testTop1()) && Double.isNaN(second.testTop5()) && Double.isNaN(second.testLoss()),
                "no eval-data scored: NaN, written blank and null");
        assertEquals(190.0, second.wallSeconds());
    }
}
