package io.sparkinception.trainer.evaluation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.trainer.inference.BatchScorer;
import io.sparkinception.trainer.inference.CropPolicy;
import io.sparkinception.trainer.inference.ScorerSettings;
import io.sparkinception.trainer.models.InceptionZoo;
import io.sparkinception.trainer.models.InferenceExport;
import io.sparkinception.trainer.models.ModelFamily;
import io.sparkinception.trainer.models.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code evaluate --input-size}: scoring a model at a larger input than it was trained at, up to the stored size; and
 * {@code --class-prior}'s shift, built from the training counts the models' metadata records.
 */
class ScoringSizeTest {

    private static io.sparkinception.preprocessing.DatasetMetadata metadata(java.util.Map<String, long[]> perClass) {
        var spec = new io.sparkinception.preprocessing.DatasetMetadata.Spec(32, 3, "CHW", "float32", "area", 0.1, true,
                false, new double[] {0, 0, 0}, new double[] {1, 1, 1}, 100);
        var classes = List.of(new io.sparkinception.preprocessing.annotations.ClassInfo(0, "a", "a"),
                new io.sparkinception.preprocessing.annotations.ClassInfo(1, "b", "b"));
        return new io.sparkinception.preprocessing.DatasetMetadata(
                io.sparkinception.preprocessing.DatasetMetadata.FORMAT_VERSION, "now", java.util.Map.of(), null, spec,
                classes, new io.sparkinception.preprocessing.DatasetMetadata.Counts(10, 10, 0,
                java.util.Map.of("train", 10L), perClass, java.util.Map.of()), java.util.Map.of(), List.of());
    }

    @Test
    void theUniformPriorComesFromTheRecordedTrainingCountsOrIsRefused() {
        assertEquals(null, Evaluation.priorShift(EvaluateConfig.ClassPrior.TRAIN, metadata(java.util.Map.of()), "m"));
        var shift = Evaluation.priorShift(EvaluateConfig.ClassPrior.UNIFORM,
                metadata(java.util.Map.of("train", new long[] {7, 3})), "m");
        assertArrayEquals(new double[] {12 / 8.0, 12 / 4.0}, shift.factors(), 1e-12);
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> Evaluation.priorShift(
                EvaluateConfig.ClassPrior.UNIFORM, metadata(java.util.Map.of("val", new long[] {1, 1})), "file:/models/m"));
        assertTrue(none.getMessage().contains("needs the training split's count of every class")
                && none.getMessage().contains("file:/models/m"), none.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Evaluation.priorShift(EvaluateConfig.ClassPrior.UNIFORM,
                metadata(java.util.Map.of("train", new long[] {1, 2, 3})), "m"));
    }

    @Test
    void theSizeIsTheTrainedOneOrBetweenItAndTheStoredOne() {
        assertEquals(48, Evaluation.scoringSize(0, 48, 56));
        assertEquals(48, Evaluation.scoringSize(48, 48, 56));
        assertEquals(56, Evaluation.scoringSize(56, 48, 56));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Evaluation.scoringSize(40, 48, 56)).getMessage()
                .contains("48..56"));
        assertThrows(IllegalArgumentException.class, () -> Evaluation.scoringSize(64, 48, 56));
    }

    /** A GoogLeNet built for 32 px scores 40 px stored images whole: its output on the whole image, not a window. */
    @Test
    void aGoogLeNetTakesTheWholeLargerStoredImageAtItsOwnScale() {
        ModelSpec spec = ModelSpec.defaults(ModelFamily.GOOGLENET, 5).withInputSize(32).withWidth(0.25, 8).withSeed(9);
        ComputationGraph g = InferenceExport.withoutAuxHeads(InceptionZoo.build(spec));
        int stored = 40;
        Random r = new Random(3);
        List<float[]> images = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            float[] x = new float[3 * stored * stored];
            for (int k = 0; k < x.length; k++) {
                x[k] = (float) r.nextGaussian();
            }
            images.add(x);
        }
        ScorerSettings whole = new ScorerSettings(3, stored, stored, 2, 0,
                io.sparkinception.trainer.inference.CropReduction.MEAN, true);
        ScorerSettings window = new ScorerSettings(3, stored, 32, 2, 0,
                io.sparkinception.trainer.inference.CropReduction.MEAN, true);
        double[][] atStored = BatchScorer.member(g, images, CropPolicy.CENTER, whole);
        double[][] atTrained = BatchScorer.member(g, images, CropPolicy.CENTER, window);
        for (int i = 0; i < images.size(); i++) {
            float[] direct = g.output(false, Nd4j.create(images.get(i), new long[] {1, 3, stored, stored}))[0]
                    .dup().data().asFloat();
            double[] want = new double[direct.length];
            for (int k = 0; k < direct.length; k++) {
                want[k] = direct[k];
            }
            assertArrayEquals(want, atStored[i], 1e-6, "image " + i);
            assertNotEquals(atStored[i][0], atTrained[i][0], "the 32 px window is another input");
        }
        assertEquals(1, whole.forwardPasses(CropPolicy.CENTER));
    }
}
