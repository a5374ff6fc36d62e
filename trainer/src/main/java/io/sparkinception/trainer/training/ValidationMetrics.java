package io.sparkinception.trainer.training;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A validation after a round ({@code type: validation} in {@code metrics.jsonl}): the scores on the {@code val}
 * split and on {@code eval-data}, each absent when that set was not scored.
 *
 * @param wallSeconds wall clock since training started, validation and checkpoints included: what a user waits
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ValidationMetrics(long round, double epoch, Double valTop1, Double valTop5, Double valLoss,
                                Long valExamples, Double testTop1, Double testTop5, Double testLoss,
                                Long testExamples, double wallSeconds) implements MetricsLine {

    /** A validation line from the counts of each scored set (null: not scored). */
    public static ValidationMetrics of(long round, double epoch, EvalCounts val, EvalCounts test, double wallSeconds) {
        Scores v = Scores.of(val);
        Scores t = Scores.of(test);
        return new ValidationMetrics(round, epoch, v.top1, v.top5, v.loss, v.examples, t.top1, t.top5, t.loss,
                t.examples, wallSeconds);
    }

    /** The scores of one set, all null when it was not scored. */
    private record Scores(Double top1, Double top5, Double loss, Long examples) {
        static Scores of(EvalCounts c) {
            return c == null ? new Scores(null, null, null, null)
                    : new Scores(c.top1Accuracy(), c.top5Accuracy(), c.meanLoss(), c.examples());
        }
    }
}
