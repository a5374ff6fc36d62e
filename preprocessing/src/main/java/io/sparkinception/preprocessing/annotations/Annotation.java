package io.sparkinception.preprocessing.annotations;

import io.sparkinception.preprocessing.image.Box;
import java.io.Serializable;

/**
 * One labelled box of one image, as read from an annotation source, before validation.
 *
 * @param id           unique and stable across runs (e.g. {@code Train/0/00000_00000_00004.png},
 *                     {@code BloodImage_00001.jpg#3})
 * @param location     where it came from, for error messages ({@code Train.csv:17})
 * @param sourcePath   the image path as written in the annotation
 * @param imagePath    the image path resolved against the images root (any Hadoop FS URI)
 * @param label        the raw label as written (a class id for GTSRB, a name for VOC)
 * @param box          the box, inclusive pixel coordinates
 * @param group        records of one group always land in the same split (GTSRB track, VOC image)
 * @param sourceSplit  the split the source assigns, or null when it has none
 * @param declaredWidth  image width the annotation declares, or -1
 * @param declaredHeight image height the annotation declares, or -1
 */
public record Annotation(String id, String location, String sourcePath, String imagePath, String label, Box box,
                         String group, Split sourceSplit, int declaredWidth, int declaredHeight)
        implements Serializable {
}
