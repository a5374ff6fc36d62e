package io.sparkinception.trainer.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.trainer.inference.Combiner;
import io.sparkinception.trainer.inference.EvaluationResult;
import io.sparkinception.trainer.inference.ExampleScore;
import io.sparkinception.trainer.inference.MetricsAccumulator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * One metric definition: training's validation ({@link EvalCounts}, {@link Validator}) and {@code evaluate}
 * ({@link MetricsAccumulator}) score probabilities with the same {@link ExampleScore}; a diverged model is never
 * reported as accurate.
 */
class MetricsDefinitionTest {

    @Test
    void aModelWhoseOutputsAreNaNScoresZeroInValidation() {
        String json = ParameterAveragingTest.graphJson(new Sgd(0.1));
        ComputationGraph g = ParameterAveragingTest.fresh(json);
        float[] nan = new float[(int) g.numParams()];
        Arrays.fill(nan, Float.NaN);
        g.setParams(Nd4j.create(nan, g.params().shape()));
        List<Example> batch = ParameterAveragingTest.examples(12, 8);
        EvalCounts c = Validator.score(g, batch, 0, 3, ParameterAveragingTest.SIZE);
        assertEquals(12, c.examples());
        assertEquals(12, c.nonFinite());
        assertEquals(0.0, c.top1Accuracy(), "before: every comparison with NaN was false, so top-1 was 1.0");
        assertEquals(0.0, c.top5Accuracy());
        assertEquals(Double.POSITIVE_INFINITY, c.meanLoss(), "not clamped into a good-looking number");
        // A healthy model of the same graph scores finite numbers.
        EvalCounts ok = Validator.score(ParameterAveragingTest.fresh(json), batch, 0, 3, ParameterAveragingTest.SIZE);
        assertEquals(0, ok.nonFinite());
        assertTrue(Double.isFinite(ok.meanLoss()));
    }

    @Test
    void validationAndEvaluateAgreeOnTop1Top5AndLogLossIncludingTies() {
        int classes = 10;
        Random r = new Random(3);
        List<float[]> probs = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            float[] p = new float[classes];
            int kind = i % 4;
            for (int k = 0; k < classes; k++) {
                p[k] = kind == 0 ? 0.1f // all tied
                        : kind == 1 ? (k < 3 ? 0.3f : 0.1f / 7) // a three-way tie at the top
                        : kind == 2 ? (k == 5 ? 0f : r.nextInt(4) / 10f) // ties everywhere, a zero
                        : r.nextFloat();
            }
            probs.add(p);
            labels.add(r.nextInt(classes));
        }
        EvalCounts validation = EvalCounts.ZERO;
        MetricsAccumulator evaluate = new MetricsAccumulator(classes);
        for (int i = 0; i < probs.size(); i++) {
            validation = validation.merge(EvalCounts.of(probs.get(i), labels.get(i)));
            evaluate.add(Combiner.toDouble(probs.get(i)), labels.get(i));
        }
        EvaluationResult e = evaluate.result();
        assertEquals(Math.round((1 - e.top1Error()) * 400), validation.top1());
        assertEquals(Math.round((1 - e.top5Error()) * 400), validation.top5());
        assertEquals(e.logLoss(), validation.meanLoss(), "the same terms summed in the same order");
        assertTrue(validation.top1() > 0 && validation.top1() < 400);

        // Ties go to the lowest index in both: label 1 of (0.5, 0.5) is not top-1, label 0 is.
        float[] tie = {0.5f, 0.5f, 0, 0, 0, 0, 0, 0, 0, 0};
        assertEquals(0, EvalCounts.of(tie, 1).top1());
        assertEquals(1, EvalCounts.of(tie, 0).top1());
        assertEquals(1.0, new MetricsAccumulator(classes).add(Combiner.toDouble(tie), 1).result().top1Error());
        assertEquals(0.0, new MetricsAccumulator(classes).add(Combiner.toDouble(tie), 0).result().top1Error());
        // Six-way tie: class 5 ranks sixth, outside the top 5, in both.
        float[] six = {0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f};
        assertEquals(0, EvalCounts.of(six, 5).top5());
        assertEquals(1.0, new MetricsAccumulator(classes).add(Combiner.toDouble(six), 5).result().top5Error());
    }

    @Test
    void nonFiniteProbabilitiesAreWrongWithInfiniteLoss() {
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.5}) {
            ExampleScore s = ExampleScore.of(new double[] {bad, 0.2, 0.1}, 0);
            assertFalse(s.valid());
            assertFalse(s.top1());
            assertFalse(s.topK());
            assertEquals(Double.POSITIVE_INFINITY, s.logLoss());
            // evaluate refuses such a prediction outright, naming the class.
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new MetricsAccumulator(3).add(new double[] {bad, 0.2, 0.1}, 0));
            assertTrue(e.getMessage().contains("class 0"), e.getMessage());
        }
        // A zero probability is clamped at 1e-7 in both, as evaluate always did.
        assertEquals(-Math.log(1e-7), ExampleScore.of(new double[] {0, 1}, 0).logLoss());
    }
}
