package io.sparkinception.trainer.ensemble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.trainer.inference.ExampleScore;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MixtureWeightsTest {

    /** {@code [example][member]} label probabilities of a member always right (1) and one uniform over 4 classes. */
    private static double[][] rightAndNoise(int examples) {
        double[][] p = new double[examples][];
        for (int n = 0; n < examples; n++) {
            p[n] = new double[] {1.0, 0.25};
        }
        return p;
    }

    @Test
    void aMemberThatIsAlwaysRightTakesAllTheWeightFromANoiseMember() {
        MixtureWeights.Fit fit = MixtureWeights.fit(rightAndNoise(50));
        assertTrue(fit.converged());
        assertEquals(1.0, fit.weights()[0], 1e-8);
        assertEquals(0.0, fit.weights()[1], 1e-8);
        assertEquals(1.0, fit.weights()[0] + fit.weights()[1], 1e-12);
        // Uniform: -log(0.5 x 1 + 0.5 x 0.25) = -log(0.625); weighted: -log(1) = 0.
        assertEquals(-Math.log(0.625), fit.uniformLogLoss(), 1e-12);
        assertEquals(0.0, fit.weightedLogLoss(), 1e-8);
    }

    @Test
    void identicalMembersGetEqualWeights() {
        Random r = new Random(3);
        double[][] p = new double[40][];
        for (int n = 0; n < p.length; n++) {
            double v = r.nextDouble();
            double w = r.nextDouble();
            p[n] = new double[] {v, w, v};
        }
        MixtureWeights.Fit fit = MixtureWeights.fit(p);
        assertEquals(fit.weights()[0], fit.weights()[2]);
        assertTrue(fit.weightedLogLoss() <= fit.uniformLogLoss());
    }

    @Test
    void theFitIsTheMinimumOfTheValidationLogLossOverTheSimplex() {
        // Two members, each better on half of the examples: the optimum is inside the simplex.
        Random r = new Random(11);
        double[][] p = new double[200][];
        for (int n = 0; n < p.length; n++) {
            boolean first = n % 3 != 0;
            p[n] = new double[] {first ? 0.6 + 0.4 * r.nextDouble() : 0.2 * r.nextDouble(),
                    first ? 0.3 * r.nextDouble() : 0.5 + 0.5 * r.nextDouble()};
        }
        MixtureWeights.Fit fit = MixtureWeights.fit(p);
        assertTrue(fit.converged());
        double best = Double.POSITIVE_INFINITY;
        double bestW = -1;
        for (int i = 0; i <= 100_000; i++) {
            double w = i / 100_000.0;
            double loss = MixtureWeights.logLoss(p, new double[] {w, 1 - w});
            if (loss < best) {
                best = loss;
                bestW = w;
            }
        }
        assertTrue(bestW > 0.05 && bestW < 0.95, "interior optimum expected, got " + bestW);
        assertEquals(bestW, fit.weights()[0], 1e-4);
        assertTrue(fit.weightedLogLoss() <= best + 1e-12, fit.weightedLogLoss() + " vs grid " + best);
        assertTrue(fit.weightedLogLoss() < fit.uniformLogLoss());
    }

    @Test
    void oneEmStepIsTheMeanOfTheResponsibilities() {
        // w = (0.5, 0.5); example 1: p = (0.8, 0.2) -> responsibilities (0.8, 0.2); example 2: p = (0.1, 0.3)
        // -> (0.25, 0.75); mean (0.525, 0.475).
        double[] next = MixtureWeights.step(new double[][] {{0.8, 0.2}, {0.1, 0.3}}, new double[] {0.5, 0.5});
        assertEquals(0.525, next[0], 1e-15);
        assertEquals(0.475, next[1], 1e-15);
    }

    @Test
    void probabilitiesAreClampedLikeTheLogLossAndBadInputIsRefused() {
        MixtureWeights.Fit fit = MixtureWeights.fit(new double[][] {{0.0, 0.0}});
        assertEquals(-Math.log(ExampleScore.LOG_LOSS_EPSILON), fit.uniformLogLoss(), 1e-9);
        assertEquals("member 2 gives probability NaN to the label of validation example 1 (a diverged model?)",
                assertThrows(IllegalArgumentException.class,
                        () -> MixtureWeights.fit(new double[][] {{0.5, 0.5}, {0.5, Double.NaN}})).getMessage());
        assertThrows(IllegalArgumentException.class, () -> MixtureWeights.fit(new double[0][]));
    }
}
