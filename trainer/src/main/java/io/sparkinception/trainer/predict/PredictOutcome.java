package io.sparkinception.trainer.predict;

import io.sparkinception.preprocessing.annotations.Skipped;
import io.sparkinception.preprocessing.image.Box;
import java.io.Serializable;

/**
 * What became of one input record: a prediction, or a skip with its reason. Every input record comes back as
 * exactly one outcome, so the counts reconcile.
 *
 * @param seq        the record's position in the input
 * @param path       the image path ("" for an annotation record that could not be parsed)
 * @param prediction the top classes, or null when skipped
 * @param skipped    why it was not scored, or null
 */
public record PredictOutcome(long seq, String path, Predicted prediction, Skipped skipped) implements Serializable {

    /**
     * The ensemble's top classes for one box.
     *
     * @param box         the box scored (inclusive pixel coordinates; the whole image for image directories)
     * @param top         class indices by decreasing probability (at most 5)
     * @param probability their averaged softmax probabilities
     * @param label       the annotation's label, or null when the input has none
     */
    public record Predicted(Box box, int[] top, double[] probability, String label) implements Serializable {
    }

    public static PredictOutcome predicted(PredictItem item, Box box, int[] top, double[] probability) {
        return new PredictOutcome(item.seq(), item.path(), new Predicted(box, top, probability, item.label()), null);
    }

    public static PredictOutcome skipped(long seq, String path, Skipped skipped) {
        return new PredictOutcome(seq, path, null, skipped);
    }

    public boolean scored() {
        return prediction != null;
    }
}
