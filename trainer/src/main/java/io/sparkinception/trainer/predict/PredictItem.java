package io.sparkinception.trainer.predict;

import io.sparkinception.preprocessing.image.Box;
import java.io.Serializable;

/**
 * One thing to score: a box of an image, or a whole image.
 *
 * @param seq      position in the input (annotation order, or the sorted file listing); outputs keep this order
 * @param path     the image path (any Hadoop FS URI)
 * @param id       the record's id (the annotation id, or the path)
 * @param location where it came from, for the skip report ({@code Test.csv:17}, or the path)
 * @param box      the annotated box (inclusive), or null: the whole image
 * @param label    the label as written in the annotation, or null when there is none
 */
public record PredictItem(long seq, String path, String id, String location, Box box, String label)
        implements Serializable {

    /** The items of one image, read and decoded once. */
    public record ImageTask(String path, java.util.List<PredictItem> items) implements Serializable {
    }
}
