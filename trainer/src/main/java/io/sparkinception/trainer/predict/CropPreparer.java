package io.sparkinception.trainer.predict;

import io.sparkinception.preprocessing.Cropper;
import io.sparkinception.preprocessing.DatasetMetadata;
import io.sparkinception.preprocessing.PixelCodec;
import io.sparkinception.preprocessing.image.Box;
import io.sparkinception.preprocessing.image.FloatImage;
import java.io.Serializable;

/**
 * Turns a decoded image and a box into the network's input exactly as {@code preprocess} and the shard readers
 * do for the recorded spec: the box grown by the margin (made square if the spec says so, clamped to the image),
 * resized with the spec's interpolation ({@link Cropper}, preprocess's own crop entry point), RGB 0-255 in CHW
 * layout, then encoded and decoded by the spec's {@link PixelCodec}, the shard writer's and readers' codec (float16
 * rounding; uint8 rounding of the raw values; normalization with the training mean and std). Pure: no Spark, no I/O.
 */
public final class CropPreparer implements Serializable {
    /** preprocess's own crop path (region, crop, resize): one implementation for both commands. */
    private final Cropper cropper;
    private final int size;
    private final int channels;
    private final PixelCodec codec;

    public CropPreparer(DatasetMetadata.Spec spec) {
        if (spec.channels() != 3) {
            throw new IllegalArgumentException("the model's spec has " + spec.channels() + " channels; images decode to 3");
        }
        this.cropper = Cropper.of(spec);
        this.size = spec.imageSize();
        this.channels = spec.channels();
        this.codec = PixelCodec.of(spec);
    }

    /** The inclusive box covering a whole {@code width x height} image. */
    public static Box wholeImage(int width, int height) {
        return new Box(0, 0, width - 1, height - 1);
    }

    /** The normalized {@code channels x size x size} CHW input for one box (which must share pixels with the image). */
    public float[] prepare(FloatImage image, Box box) {
        return normalize(cropper.crop(image, cropper.region(box, image)).toChw());
    }

    /** Raw 0-255 CHW values to the tensor a shard reader returns for them ({@link PixelCodec#roundTrip}). */
    float[] normalize(float[] rawChw) {
        return codec.roundTrip(rawChw);
    }

    public int size() {
        return size;
    }

    public int channels() {
        return channels;
    }
}
