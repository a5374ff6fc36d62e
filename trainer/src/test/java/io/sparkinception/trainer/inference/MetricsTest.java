package io.sparkinception.trainer.inference;

import static io.sparkinception.trainer.inference.CombinerTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sparkinception.common.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Hand-computed metrics; the accumulator merges like a single pass, serializes, and rejects bad input. */
class MetricsTest {
    private static final double EPS = 1e-12;

    /** Four examples over three classes; see {@link #handComputedThreeClassExample} for the expected values. */
    private static final double[][] PROBS = {
            {0.7, 0.2, 0.1},    // label 0: predicted 0, right; confidence 0.7 -> bin 10 (0.667, 0.733]
            {0.1, 0.5, 0.4},    // label 2: predicted 1, wrong; confidence 0.5 -> bin 7 (0.467, 0.533]
            {0.2, 0.3, 0.5},    // label 2: predicted 2, right; confidence 0.5 -> bin 7
            {0.0, 0.45, 0.55},  // label 0: predicted 2, wrong; confidence 0.55 -> bin 8 (0.533, 0.6]; p(label) = 0
    };
    private static final int[] LABELS = {0, 2, 2, 0};

    @Test
    void handComputedThreeClassExample() {
        EvaluationResult r = Metrics.evaluate(PROBS, LABELS, 3);
        assertEquals(4, r.examples());
        assertEquals(3, r.numClasses());
        assertEquals(0.5, r.top1Error(), EPS);
        assertEquals(0.0, r.top5Error(), EPS); // 3 classes: the label is always among the top 5
        double logLoss = (-Math.log(0.7) - Math.log(0.4) - Math.log(0.5) - Math.log(1e-7)) / 4;
        assertEquals(logLoss, r.logLoss(), EPS);
        // bins: 10 -> |1 - 0.7|, 7 -> |1 - (0.5 + 0.5)|, 8 -> |0 - 0.55|; ECE = (0.3 + 0 + 0.55) / 4
        assertEquals(0.2125, r.expectedCalibrationError(), EPS);
        assertArrayEquals(new long[][] {{1, 0, 1}, {0, 0, 0}, {0, 1, 1}}, r.confusion());
        assertEquals(List.of(new ClassMetrics(0, 2, 1, 0.5, 1), new ClassMetrics(1, 0, 0, null, 1),
                new ClassMetrics(2, 2, 1, 0.5, 2)), r.perClass());
        assertEquals(List.of(new ConfusedPair(0, 2, 1), new ConfusedPair(2, 1, 1)), r.mostConfused());
        assertEquals(15, r.reliability().size());
        ReliabilityBin b7 = r.reliability().get(7);
        assertEquals(2, b7.count());
        assertEquals(0.5, b7.meanConfidence(), EPS);
        assertEquals(0.5, b7.accuracy(), EPS);
        assertEquals(7 / 15.0, b7.lower(), EPS);
        assertEquals(8 / 15.0, b7.upper(), EPS);
        assertEquals(0.55, r.reliability().get(8).meanConfidence(), EPS);
        assertEquals(0.0, r.reliability().get(8).accuracy(), EPS);
        assertEquals(1.0, r.reliability().get(10).accuracy(), EPS);
        assertEquals(4, r.reliability().stream().mapToLong(ReliabilityBin::count).sum());
        assertNull(r.reliability().get(0).meanConfidence());
        assertNull(r.reliability().get(14).accuracy());
    }

    @Test
    void topFiveCountsTheLabelsRankWithTiesByClassIndex() {
        double[] p = {0.3, 0.2, 0.15, 0.12, 0.1, 0.08, 0.05};
        EvaluationResult r = Metrics.evaluate(new double[][] {p, p, p}, new int[] {4, 5, 0}, 7);
        assertEquals(1 / 3.0, r.top5Error(), EPS); // label 5 is sixth
        assertEquals(2 / 3.0, r.top1Error(), EPS);
        double[] tied = {0.2, 0.2, 0.2, 0.2, 0.1, 0.1, 0.0};
        // label 4 ranks fifth (four higher classes); label 5 ties with 4 but comes after it: sixth.
        EvaluationResult t = Metrics.evaluate(new double[][] {tied, tied}, new int[] {4, 5}, 7);
        assertEquals(0.5, t.top5Error(), EPS);
        // the tied top-1 goes to class 0
        assertEquals(2, t.confusion()[4][0] + t.confusion()[5][0]);
    }

    @Test
    void confidencesOnBinEdgesGoToTheLowerBin() {
        assertEquals(0, MetricsAccumulator.bin(0.0));
        assertEquals(0, MetricsAccumulator.bin(0.05));
        assertEquals(14, MetricsAccumulator.bin(1.0));
        assertEquals(14, MetricsAccumulator.bin(1.0000001)); // float32 sums slightly above 1
        assertEquals(7, MetricsAccumulator.bin(0.5));
        assertEquals(1, MetricsAccumulator.bin(0.125));
        for (int b = 1; b < MetricsAccumulator.CALIBRATION_BINS; b++) {
            double edge = b / 15.0; // the edge as the reliability bins report it
            assertEquals(b - 1, MetricsAccumulator.bin(edge), "upper edge of bin " + (b - 1));
            assertEquals(b, MetricsAccumulator.bin(Math.nextUp(edge)), "just above the edge");
        }
    }

    @Test
    void mergedPartitionsEqualOnePass() {
        Random rnd = new Random(7);
        int n = 300;
        int k = 10;
        double[][] probs = new double[n][k];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int j = 0; j < k; j++) {
                probs[i][j] = Math.pow(rnd.nextDouble(), 3);
                sum += probs[i][j];
            }
            for (int j = 0; j < k; j++) {
                probs[i][j] /= sum;
            }
            labels[i] = rnd.nextInt(k);
        }
        EvaluationResult single = Metrics.evaluate(probs, labels, k);
        MetricsAccumulator[] parts = {new MetricsAccumulator(k), new MetricsAccumulator(k), new MetricsAccumulator(k)};
        for (int i = 0; i < n; i++) {
            parts[i < 100 ? 0 : (i < 170 ? 1 : 2)].add(probs[i], labels[i]);
        }
        MetricsAccumulator merged = new MetricsAccumulator(k);
        for (MetricsAccumulator p : parts) {
            merged.merge(p);
        }
        EvaluationResult m = merged.result();
        assertEquals(100, parts[0].examples()); // merge leaves its argument alone
        assertEquals(single.examples(), m.examples());
        assertEquals(single.top1Error(), m.top1Error(), 0);
        assertEquals(single.top5Error(), m.top5Error(), 0);
        assertEquals(single.logLoss(), m.logLoss(), 1e-12);
        assertEquals(single.expectedCalibrationError(), m.expectedCalibrationError(), 1e-12);
        assertArrayEquals(single.confusion(), m.confusion());
        assertEquals(single.perClass(), m.perClass());
        assertEquals(single.mostConfused(), m.mostConfused());
        for (int b = 0; b < MetricsAccumulator.CALIBRATION_BINS; b++) {
            ReliabilityBin x = single.reliability().get(b);
            ReliabilityBin y = m.reliability().get(b);
            assertEquals(x.count(), y.count());
            assertEquals(x.accuracy(), y.accuracy());
            if (x.count() > 0) {
                assertEquals(x.meanConfidence(), y.meanConfidence(), 1e-12);
            }
        }
        assertEquals(n, single.perClass().stream().mapToLong(ClassMetrics::support).sum());
        assertEquals(Math.round(single.top1Error() * n),
                single.perClass().stream().mapToLong(ClassMetrics::errors).sum());
    }

    @Test
    void accumulatorSurvivesJavaSerialization() throws Exception {
        MetricsAccumulator acc = new MetricsAccumulator(3);
        for (int i = 0; i < PROBS.length; i++) {
            acc.add(PROBS[i], LABELS[i]);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(acc);
        }
        MetricsAccumulator back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = (MetricsAccumulator) in.readObject();
        }
        assertEquals(acc.result().logLoss(), back.result().logLoss(), 0);
        assertArrayEquals(acc.result().confusion(), back.result().confusion());
        assertEquals(2 * acc.examples(), back.merge(acc).examples());
    }

    @Test
    void resultSerializesToSnakeCaseJson() throws Exception {
        EvaluationResult r = Metrics.evaluate(PROBS, LABELS, 3);
        JsonNode json = Json.mapper().readTree(Json.toJson(r));
        assertEquals(0.5, json.get("top1_error").asDouble(), EPS);
        assertEquals(0.0, json.get("top5_error").asDouble(), EPS);
        assertEquals(0.2125, json.get("expected_calibration_error").asDouble(), EPS);
        assertEquals(1, json.get("confusion").get(0).get(2).asLong());
        assertEquals(true, json.get("per_class").get(1).get("error_rate").isNull());
        assertEquals(2, json.get("most_confused").get(0).get("predicted_class").asInt());
        assertEquals(15, json.get("reliability").size());
        EvaluationResult back = Json.mapper().readValue(Json.toJson(r), EvaluationResult.class);
        assertEquals(r.perClass(), back.perClass());
        assertEquals(r.reliability(), back.reliability());
        assertArrayEquals(r.confusion(), back.confusion());
    }

    @Test
    void rejectsBadInputPrecisely() {
        assertMessage("example 1: prediction has 2 classes, the accumulator 3",
                () -> Metrics.evaluate(new double[][] {{0.2, 0.3, 0.5}, {0.5, 0.5}}, new int[] {0, 0}, 3));
        assertMessage("example 0: label 3 outside 0..2",
                () -> Metrics.evaluate(new double[][] {{0.2, 0.3, 0.5}}, new int[] {3}, 3));
        assertMessage("example 0: prediction: probability of class 2 is NaN",
                () -> Metrics.evaluate(new double[][] {{0.2, 0.3, Double.NaN}}, new int[] {0}, 3));
        assertMessage("2 predictions but 1 labels", () -> Metrics.evaluate(new double[2][3], new int[1], 3));
        assertMessage("no examples to evaluate", () -> Metrics.evaluate(new double[0][], new int[0], 3));
        assertMessage("cannot merge metrics of 4 classes into 3",
                () -> new MetricsAccumulator(3).merge(new MetricsAccumulator(4)));
        assertMessage("number of classes must be positive, got 0", () -> new MetricsAccumulator(0));
        assertEquals("no examples were evaluated",
                assertThrows(IllegalStateException.class, () -> new MetricsAccumulator(3).result()).getMessage());
    }
}
