package io.sparkinception.trainer.ensemble;

import io.sparkinception.common.HadoopFiles;
import io.sparkinception.preprocessing.DatasetMetadata;
import io.sparkinception.trainer.inference.Combiner;
import io.sparkinception.trainer.inference.CropPolicy;
import io.sparkinception.trainer.inference.DistributedScorer;
import io.sparkinception.trainer.inference.ScorerSettings;
import io.sparkinception.trainer.kernels.Kernels;
import io.sparkinception.trainer.models.SafeModelLoader;
import io.sparkinception.trainer.training.Example;
import io.sparkinception.trainer.training.TrainingData;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * {@code ensemble --weights val-loss}: scores every trained member on the data's {@code val/} split through the one
 * scoring path ({@link DistributedScorer}: the stored crop, networks from the executors' cache), collects each
 * member's probability of every example's label (the centre window of the members' input size, as validation scores) and fits the member weights ({@link MixtureWeights}).
 */
final class ValidationWeights {
    /** The member file scored: the one {@code evaluate} scores by default ({@code weights = final}). */
    static final String MODEL_FILE = "inference-model.zip";
    /** Crops per forward pass (evaluate's default batch-size). */
    private static final int BATCH_SIZE = 128;

    private ValidationWeights() {
    }

    static MemberWeights fit(SparkSession spark, HadoopFiles files, String data, DatasetMetadata metadata,
                             List<EnsembleTrainer.MemberEntry> members, Kernels kernels, int inputSize)
            throws IOException {
        List<byte[]> models = new ArrayList<>();
        for (EnsembleTrainer.MemberEntry m : members) {
            String file = m.dir() + "/" + MODEL_FILE;
            byte[] model = files.readBytes(file);
            SafeModelLoader.validate(file, model);
            models.add(model);
        }
        DatasetMetadata.Spec spec = metadata.spec();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        jsc.setJobDescription("ensemble: score " + members.size() + " members on val for their weights");
        JavaRDD<Example> val = TrainingData.load(spark, data + "/val", spec, jsc.defaultParallelism(),
                StorageLevel.MEMORY_AND_DISK_SER());
        List<String> names = members.stream().map(EnsembleTrainer.MemberEntry::name).toList();
        DistributedScorer.Plan plan = new DistributedScorer.Plan(names, List.of(CropPolicy.CENTER), CropPolicy.CENTER,
                metadata.classes().size(), ScorerSettings.storedCrop(spec.channels(), spec.imageSize(), inputSize, BATCH_SIZE),
                Combiner.uniform(names.size()), 0, 0, kernels, true);
        try {
            DistributedScorer.Outcome outcome = DistributedScorer.score(jsc, val, models, plan);
            double[][] p = outcome.labelProbabilities().stream().map(DistributedScorer.LabelProbabilities::perMember)
                    .toArray(double[][]::new);
            return MemberWeights.valLoss(MixtureWeights.fit(p), MODEL_FILE, p.length);
        } finally {
            val.unpersist(false);
        }
    }
}
