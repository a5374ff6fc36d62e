package io.sparkinception.jobs;

import io.sparkinception.preprocessing.DatasetMetadata;
import io.sparkinception.preprocessing.MetadataIO;
import io.sparkinception.common.HadoopFiles;
import io.sparkinception.trainer.training.Checkpoints;
import io.sparkinception.trainer.training.DistributedTrainer;
import io.sparkinception.trainer.training.EvalData;
import io.sparkinception.trainer.training.TrainConfig;
import io.sparkinception.trainer.training.WarmStart;
import io.sparkinception.trainer.training.TrainPreflight;
import io.sparkinception.trainer.ensemble.EnsembleConfig;
import io.sparkinception.trainer.evaluation.EvaluateConfig;
import io.sparkinception.trainer.evaluation.Evaluation;
import io.sparkinception.trainer.evaluation.ModelSet;
import io.sparkinception.common.OutputDirectory;
import io.sparkinception.trainer.predict.PredictConfig;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import scala.Tuple2;

/**
 * The checks every job runs on the driver before it builds its SparkSession: settings against the data's
 * {@code metadata.json}, the output directory ({@link OutputDirectory}) and every model file
 * ({@link ModelSet#load}, which validates each one). A failure is an {@link IllegalArgumentException}: exit code
 * 2 and one {@code error:} line, and no Spark job has run. The libraries repeat the checks that depend on the
 * cluster (the worker count when {@code --workers} is omitted) once the session exists, before their first job.
 */
final class Preflight {
    private Preflight() {
    }

    /**
     * File access for the driver before the session exists: Hadoop's defaults (core-site.xml on the classpath)
     * plus the {@code spark.hadoop.*} settings spark-submit passed as system properties, as Spark would set them.
     */
    static HadoopFiles driverFiles() {
        Configuration c = new Configuration();
        for (Tuple2<String, String> kv : new SparkConf().getAll()) {
            if (kv._1().startsWith("spark.hadoop.")) {
                c.set(kv._1().substring("spark.hadoop.".length()), kv._2());
            }
        }
        return HadoopFiles.of(c);
    }

    static void train(HadoopFiles files, TrainConfig cfg) throws IOException {
        String data = files.qualifyDir(cfg.data());
        DatasetMetadata metadata = MetadataIO.read(files, data);
        TrainPreflight.check(cfg, metadata, data);
        if (!cfg.evalData().isBlank()) {
            String eval = files.qualifyDir(cfg.evalData());
            EvalData.requireCompatible(metadata, MetadataIO.read(files, eval), eval);
        }
        DistributedTrainer.checkOutput(files, cfg, files.qualifyDir(cfg.output()));
        if (!cfg.initModel().isEmpty()) {
            WarmStart.check(files, files.qualify(cfg.initModel()), DistributedTrainer.model(cfg, metadata).configuration());
        }
        if (cfg.resume()) {
            verifyCheckpoints(files, files.qualifyDir(cfg.output()));
        }
    }

    /**
     * {@code --resume}: the checkpoints are verified (manifest and SHA-256 of every file) here, so that a run whose
     * checkpoints are all corrupt fails in seconds, naming each checkpoint and its bad file, instead of after the
     * session started and the data loaded.
     */
    static void verifyCheckpoints(HadoopFiles files, String output) throws IOException {
        try {
            new Checkpoints(files, output).verify();
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    static void ensemble(HadoopFiles files, EnsembleConfig ens, TrainConfig base) throws IOException {
        String data = files.qualifyDir(ens.data());
        DatasetMetadata metadata = MetadataIO.read(files, data);
        ens.check(base, metadata, data);
        if (!base.evalData().isBlank()) {
            String eval = files.qualifyDir(base.evalData());
            EvalData.requireCompatible(metadata, MetadataIO.read(files, eval), eval);
        }
        OutputDirectory.requireOwn(files, files.qualifyDir(ens.output()), OutputDirectory.Kind.ENSEMBLE);
    }

    /** @return the models, read and validated once here; the job passes them on instead of reading them again */
    static ModelSet evaluate(HadoopFiles files, EvaluateConfig cfg) throws IOException {
        Evaluation.checkReport(cfg);
        ModelSet models = ModelSet.load(files, files.qualifyDir(cfg.model()), cfg.members(), cfg.weights());
        if (!cfg.rawInput()) {
            String data = files.qualifyDir(cfg.data());
            EvalData.requireCompatible(models.metadata(), MetadataIO.read(files, data), data);
        }
        return models;
    }

    /** @return the models, read and validated once here (see {@link #evaluate}) */
    static ModelSet predict(HadoopFiles files, PredictConfig cfg) throws IOException {
        OutputDirectory.requireReplaceable(files, files.qualifyDir(cfg.output()), OutputDirectory.Kind.PREDICT,
                cfg.overwrite());
        return ModelSet.load(files, files.qualifyDir(cfg.model()), cfg.members(), cfg.weights());
    }
}
