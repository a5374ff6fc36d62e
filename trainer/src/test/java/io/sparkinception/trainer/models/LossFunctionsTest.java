package io.sparkinception.trainer.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/** Label smoothing and loss weighting change the loss by exactly what they claim, and survive JSON. */
@org.junit.jupiter.api.extension.ExtendWith(DoublePrecision.class)
class LossFunctionsTest {

    private static final ActivationSoftmax SOFTMAX = new ActivationSoftmax();
    private static INDArray logits() {
        return Nd4j.createFromArray(new double[][] {{2.0, -1.0, 0.5, 0.0}, {-0.3, 0.8, 1.7, -2.2}, {0.1, 0.2, 0.3, 0.4}});
    }

    private static INDArray oneHot() {
        return Nd4j.createFromArray(new double[][] {{1, 0, 0, 0}, {0, 0, 0, 1}, {0, 1, 0, 0}});
    }

    @Test
    void smoothedLossDiffersFromCrossEntropyByTheHandComputedAmount() {
        double eps = 0.1;
        int k = 4;
        INDArray z = logits();
        INDArray y = oneHot();
        double plain = new LossMCXENT().computeScore(y, z.dup(), SOFTMAX, null, true);
        double smoothed = new LabelSmoothingCrossEntropy(eps).computeScore(y, z.dup(), SOFTMAX, null, true);

        // By hand: log-softmax of each row; y' = (1 - eps) y + eps / K.
        double expectedPlain = 0;
        double expectedSmoothed = 0;
        double[][] zs = z.toDoubleMatrix();
        double[][] ys = y.toDoubleMatrix();
        for (int i = 0; i < zs.length; i++) {
            double logSum = 0;
            for (double v : zs[i]) {
                logSum += Math.exp(v);
            }
            logSum = Math.log(logSum);
            for (int j = 0; j < k; j++) {
                double logP = zs[i][j] - logSum;
                expectedPlain -= ys[i][j] * logP;
                expectedSmoothed -= ((1 - eps) * ys[i][j] + eps / k) * logP;
            }
        }
        expectedPlain /= zs.length;
        expectedSmoothed /= zs.length;
        assertEquals(expectedPlain, plain, 1e-12);
        assertEquals(expectedSmoothed, smoothed, 1e-12);
        assertTrue(Math.abs(smoothed - plain) > 0.01, "smoothing must change the loss: " + (smoothed - plain));
    }

    @Test
    void smoothedGradientIsSoftmaxMinusSmoothedLabelsAndMatchesFiniteDifferences() {
        LabelSmoothingCrossEntropy loss = new LabelSmoothingCrossEntropy(0.2);
        INDArray z = logits();
        INDArray y = oneHot();
        INDArray gradient = loss.computeGradient(y, z.dup(), SOFTMAX, null);
        INDArray expected = SOFTMAX.getActivation(z.dup(), false).sub(y.mul(0.8).add(0.2 / 4));
        assertTrue(expected.equalsWithEps(gradient, 1e-12), gradient.toString());
        // computeGradient is per example (summed, not averaged): compare with d(sum of scores)/dz.
        double h = 1e-6;
        for (int i = 0; i < z.rows(); i++) {
            for (int j = 0; j < z.columns(); j++) {
                INDArray plus = z.dup();
                plus.putScalar(i, j, z.getDouble(i, j) + h);
                INDArray minus = z.dup();
                minus.putScalar(i, j, z.getDouble(i, j) - h);
                double numeric = (loss.computeScore(y, plus, SOFTMAX, null, false)
                        - loss.computeScore(y, minus, SOFTMAX, null, false)) / (2 * h);
                assertEquals(numeric, gradient.getDouble(i, j), 1e-7, "d/dz[" + i + "," + j + "]");
            }
        }
        assertEquals(loss.computeScore(y, z.dup(), SOFTMAX, null, true),
                loss.computeGradientAndScore(y, z.dup(), SOFTMAX, null, true).getFirst(), 1e-12);
    }

    @Test
    void scaledLossScalesScoreScoreArrayAndGradient() {
        ILossFunction inner = new LabelSmoothingCrossEntropy(0.1);
        ScaledLoss scaled = new ScaledLoss(0.3, inner);
        INDArray z = logits();
        INDArray y = oneHot();
        assertEquals(0.3 * inner.computeScore(y, z.dup(), SOFTMAX, null, true), scaled.computeScore(y, z.dup(), SOFTMAX, null, true), 1e-12);
        assertTrue(inner.computeScoreArray(y, z.dup(), SOFTMAX, null).mul(0.3)
                .equalsWithEps(scaled.computeScoreArray(y, z.dup(), SOFTMAX, null), 1e-12));
        assertTrue(inner.computeGradient(y, z.dup(), SOFTMAX, null).mul(0.3)
                .equalsWithEps(scaled.computeGradient(y, z.dup(), SOFTMAX, null), 1e-12));
        var both = scaled.computeGradientAndScore(y, z.dup(), SOFTMAX, null, true);
        assertEquals(scaled.computeScore(y, z.dup(), SOFTMAX, null, true), both.getFirst(), 1e-12);
        assertTrue(both.getSecond().equalsWithEps(scaled.computeGradient(y, z.dup(), SOFTMAX, null), 1e-12));
    }

    @Test
    void lossesSurviveTheGraphConfigurationsJson() {
        ModelSpec spec = ModelSpec.defaults(ModelFamily.INCEPTION_V3, 5).withInputSize(75).withWidth(0.25, 8);
        assertEquals(0.1, spec.recipe().labelSmoothing());
        ComputationGraphConfiguration conf = InceptionZoo.configure(spec).configuration();
        ComputationGraphConfiguration restored = ComputationGraphConfiguration.fromJson(conf.toJson());
        assertEquals(conf, restored);
        ILossFunction main = lossOf(restored, "Logits");
        ILossFunction aux = lossOf(restored, "AuxLogits");
        assertEquals(new LabelSmoothingCrossEntropy(0.1), main);
        ScaledLoss scaled = assertInstanceOf(ScaledLoss.class, aux);
        assertEquals(0.4, scaled.getWeight());
        assertEquals(new LabelSmoothingCrossEntropy(0.1), scaled.getLoss());
    }

    @Test
    void rejectsMeaninglessSettings() {
        assertEquals("label smoothing must be in (0, 1) (use LossMCXENT for none), got 1.0",
                assertThrows(IllegalArgumentException.class, () -> new LabelSmoothingCrossEntropy(1.0)).getMessage());
        assertEquals("loss weight must be a finite number >= 0, got -0.3",
                assertThrows(IllegalArgumentException.class, () -> new ScaledLoss(-0.3, new LossMCXENT())).getMessage());
    }

    private static ILossFunction lossOf(ComputationGraphConfiguration conf, String vertex) {
        LayerVertex lv = (LayerVertex) conf.getVertices().get(vertex);
        return ((OutputLayer) lv.getLayerConf().getLayer()).getLossFn();
    }
}
