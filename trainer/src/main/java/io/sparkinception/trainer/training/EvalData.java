package io.sparkinception.trainer.training;

import io.sparkinception.preprocessing.DatasetMetadata;
import io.sparkinception.preprocessing.MetadataIO;
import io.sparkinception.common.HadoopFiles;
import java.io.IOException;
import java.util.Arrays;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * The {@code eval-data} of a training run: a second preprocessed dataset (typically the test set, preprocessed
 * with the training data's spec) scored at every validation. Its spec must equal the training data's: the same
 * size, channels, mean and scale, and the same classes; otherwise its numbers would be meaningless.
 */
public record EvalData(String split, JavaRDD<Example> examples) {

    static EvalData load(SparkSession spark, HadoopFiles files, String dir, DatasetMetadata trainedOn, int workers,
                         StorageLevel level) throws IOException {
        DatasetMetadata m = MetadataIO.read(files, dir);
        requireCompatible(trainedOn, m, dir);
        for (String split : new String[] {"test", "val", "train"}) {
            if (files.exists(dir + "/" + split)) {
                return new EvalData(split, TrainingData.load(spark, dir + "/" + split, m.spec(), workers, level));
            }
        }
        throw new IllegalArgumentException("eval-data " + dir + " has no test/, val/ or train/ split");
    }

    /** Throws unless data preprocessed as {@code other} can be scored by a model trained on {@code trained}. */
    public static void requireCompatible(DatasetMetadata trained, DatasetMetadata other, String dir) {
        DatasetMetadata.Spec a = trained.spec();
        DatasetMetadata.Spec b = other.spec();
        if (a.imageSize() != b.imageSize() || a.channels() != b.channels() || !Arrays.equals(a.mean(), b.mean())
                || !Arrays.equals(a.scale(), b.scale())) {
            throw new IllegalArgumentException("eval-data " + dir + " was preprocessed with another spec (image size "
                    + b.imageSize() + ", mean " + Arrays.toString(b.mean()) + ") than the training data (image size "
                    + a.imageSize() + ", mean " + Arrays.toString(a.mean()) + "): preprocess it with --reuse-spec "
                    + "<training data>/metadata.json");
        }
        if (trained.classes().size() != other.classes().size()) {
            throw new IllegalArgumentException("eval-data " + dir + " has " + other.classes().size()
                    + " classes, the training data " + trained.classes().size());
        }
        for (int i = 0; i < trained.classes().size(); i++) {
            if (!trained.classes().get(i).label().equals(other.classes().get(i).label())) {
                throw new IllegalArgumentException("eval-data " + dir + ": class " + i + " is '"
                        + other.classes().get(i).label() + "', in the training data '" + trained.classes().get(i).label() + "'");
            }
        }
    }
}
