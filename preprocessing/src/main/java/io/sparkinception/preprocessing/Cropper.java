package io.sparkinception.preprocessing;

import io.sparkinception.preprocessing.annotations.SkipReason;
import io.sparkinception.preprocessing.annotations.Skipped;
import io.sparkinception.preprocessing.image.Box;
import io.sparkinception.preprocessing.image.CropGeometry;
import io.sparkinception.preprocessing.image.FloatImage;
import io.sparkinception.preprocessing.image.ImageDecoder;
import io.sparkinception.preprocessing.image.Interpolation;
import io.sparkinception.preprocessing.image.Resize;
import io.sparkinception.common.HadoopFiles;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Executor-side work for one image: read it once, decode it once, crop and resize each of its boxes.
 * Every job comes back as exactly one {@link Outcome}: a crop or a skip with its reason.
 */
public final class Cropper implements Serializable {
    private final double margin;
    private final boolean square;
    private final Interpolation interpolation;
    private final int size;

    public Cropper(double margin, boolean square, Interpolation interpolation, int size) {
        this.margin = margin;
        this.square = square;
        this.interpolation = interpolation;
        this.size = size;
    }

    public static Cropper of(DatasetMetadata.Spec spec) {
        return new Cropper(spec.margin(), spec.square(), Interpolation.of(spec.interpolation()), spec.imageSize());
    }

    /**
     * One job's result: either {@code chw} (raw RGB 0-255, CHW, size x size) with the cropped {@code region},
     * or {@code skipped}.
     */
    public record Outcome(Planner.Job job, float[] chw, Box region, int imageWidth, int imageHeight, Skipped skipped)
            implements Serializable {
        public boolean written() {
            return skipped == null;
        }
    }

    /**
     * Reads the task's image through {@code source} (confined to its root, bounded in bytes and pixels), decodes it
     * once and crops every box.
     */
    public List<Outcome> process(Planner.ImageTask task, HadoopFiles files, ImageSource source) {
        FloatImage image;
        try {
            image = source.load(files, task.imagePath());
        } catch (ImageSource.Refused e) {
            return skipAll(task, e.reason(), e.getMessage());
        }
        return process(task, image);
    }

    /** Decodes the image bytes (with the default pixel limit) and crops every box of the task. */
    public List<Outcome> process(Planner.ImageTask task, byte[] bytes) {
        FloatImage image;
        try {
            image = ImageDecoder.decodeRgb(bytes);
        } catch (ImageDecoder.TooLargeException e) {
            return skipAll(task, SkipReason.IMAGE_TOO_LARGE, task.imagePath() + ": " + e.getMessage());
        } catch (ImageDecoder.DecodeException e) {
            return skipAll(task, SkipReason.CORRUPT_IMAGE, task.imagePath() + ": " + e.getMessage());
        }
        return process(task, image);
    }

    /** Crops every box of the task from its decoded image. */
    public List<Outcome> process(Planner.ImageTask task, FloatImage image) {
        List<Outcome> out = new ArrayList<>(task.jobs().size());
        for (Planner.Job job : task.jobs()) {
            Box box = job.annotation().box();
            if (box.outside(image.width(), image.height())) {
                out.add(skip(job, SkipReason.BOX_OUTSIDE_IMAGE, "box " + box + " lies outside the "
                        + image.width() + "x" + image.height() + " image"));
                continue;
            }
            Box region = region(box, image);
            out.add(new Outcome(job, cropChw(image, region), region, image.width(), image.height(), null));
        }
        return out;
    }

    /** The region cropped for a box (grown by the margin, made square if asked, clamped to the image). */
    public Box region(Box box, FloatImage image) {
        return CropGeometry.region(box, margin, square, image.width(), image.height());
    }

    /**
     * The crop of a region, resized to {@code size x size}: raw RGB 0-255. The one crop path of preprocess and
     * predict (predict normalizes it with the recorded spec).
     */
    public FloatImage crop(FloatImage image, Box region) {
        return Resize.resize(CropGeometry.crop(image, region), size, size, interpolation);
    }

    /**
     * {@code crop(image, region).toChw()} in one pass ({@link Resize#resizeToChw}): the same values, bit for bit,
     * without the intermediate images. What preprocess writes.
     */
    public float[] cropChw(FloatImage image, Box region) {
        return Resize.resizeToChw(image, region, size, size, interpolation);
    }

    private static List<Outcome> skipAll(Planner.ImageTask task, SkipReason reason, String detail) {
        return task.jobs().stream().map(j -> skip(j, reason, detail)).toList();
    }

    private static Outcome skip(Planner.Job job, SkipReason reason, String detail) {
        return new Outcome(job, null, null, -1, -1,
                new Skipped(job.annotation().id(), job.annotation().location(), reason, detail));
    }
}
