package io.sparkinception.trainer.predict;

import io.sparkinception.trainer.inference.TopK;
import io.sparkinception.preprocessing.ImageSource;
import io.sparkinception.preprocessing.annotations.SkipReason;
import io.sparkinception.preprocessing.annotations.Skipped;
import io.sparkinception.preprocessing.image.Box;
import io.sparkinception.preprocessing.image.FloatImage;
import io.sparkinception.common.HadoopFiles;
import io.sparkinception.trainer.inference.CropPolicy;
import io.sparkinception.trainer.inference.BatchScorer;
import io.sparkinception.trainer.inference.MemberNetworks;
import io.sparkinception.trainer.inference.ScorerSettings;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Executor side of {@code predict}: reads and decodes each image of a partition once, prepares its boxes with
 * the recorded spec ({@link CropPreparer}), and scores them in chunks with every member through the
 * {@link BatchScorer} (one crop: the stored-size crop), averaging the members' softmax outputs. Captures only
 * plain values; the members come from the executor's {@link io.sparkinception.trainer.inference.NetworkCache}.
 * Outcomes come back in input order, one per item.
 */
final class PartitionPredictor implements Serializable {
    /** The one crop policy of predict: the prepared (stored-size) crop, or its center window of the input size. */
    static final CropPolicy POLICY = CropPolicy.CENTER;
    static final int TOP = 5;

    private final CropPreparer preparer;
    private final ImageSource images;
    private final PredictSettings settings;
    private final ScorerSettings scorer;

    PartitionPredictor(CropPreparer preparer, ImageSource images, PredictSettings settings) {
        this.preparer = preparer;
        this.images = images;
        this.settings = settings;
        this.scorer = ScorerSettings.storedCrop(preparer.channels(), preparer.size(), settings.inputSize(preparer.size()),
                settings.batchSize());
    }

    Iterator<PredictOutcome> predict(Iterator<PredictItem.ImageTask> tasks, List<byte[]> models, HadoopFiles files) {
        MemberNetworks members = MemberNetworks.of(settings.memberKeys(), models, settings.kernels());
        return new Iterator<>() {
            private Iterator<PredictOutcome> current = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && tasks.hasNext()) {
                    current = nextChunk().iterator();
                }
                if (!current.hasNext()) {
                    members.close();
                    return false;
                }
                return true;
            }

            @Override
            public PredictOutcome next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }

            private List<PredictOutcome> nextChunk() {
                List<PredictOutcome> out = new ArrayList<>();
                List<Integer> slots = new ArrayList<>();
                List<PredictItem> items = new ArrayList<>();
                List<Box> boxes = new ArrayList<>();
                List<float[]> crops = new ArrayList<>();
                while (crops.size() < settings.chunk() && tasks.hasNext()) {
                    PredictItem.ImageTask task = tasks.next();
                    FloatImage image;
                    try {
                        image = images.load(files, task.path());
                    } catch (ImageSource.Refused e) {
                        skipAll(task, e.reason(), e.getMessage(), out);
                        continue;
                    }
                    for (PredictItem item : task.items()) {
                        Box box = item.box() == null ? CropPreparer.wholeImage(image.width(), image.height()) : item.box();
                        if (box.outside(image.width(), image.height())) {
                            out.add(skip(item, SkipReason.BOX_OUTSIDE_IMAGE, "box " + box + " lies outside the "
                                    + image.width() + "x" + image.height() + " image"));
                            continue;
                        }
                        slots.add(out.size());
                        out.add(null);
                        items.add(item);
                        boxes.add(box);
                        crops.add(preparer.prepare(image, box));
                    }
                }
                if (!crops.isEmpty()) {
                    double[][][] perMember = BatchScorer.perMember(members.graphs(), crops, POLICY, scorer);
                    if (settings.priorShift() != null) {
                        for (int m = 0; m < perMember.length; m++) {
                            perMember[m] = settings.priorShift().apply(perMember[m]);
                        }
                    }
                    double[][] probs = BatchScorer.ensemble(perMember, settings.memberWeights());
                    for (int i = 0; i < probs.length; i++) {
                        int[] top = TopK.of(probs[i], TOP);
                        double[] p = new double[top.length];
                        for (int k = 0; k < top.length; k++) {
                            p[k] = probs[i][top[k]];
                        }
                        out.set(slots.get(i), PredictOutcome.predicted(items.get(i), boxes.get(i), top, p));
                    }
                }
                return out;
            }
        };
    }

    private static void skipAll(PredictItem.ImageTask task, SkipReason reason, String detail, List<PredictOutcome> out) {
        task.items().forEach(i -> out.add(skip(i, reason, detail)));
    }

    private static PredictOutcome skip(PredictItem item, SkipReason reason, String detail) {
        return PredictOutcome.skipped(item.seq(), item.path(), new Skipped(item.id(), item.location(), reason, detail));
    }
}
