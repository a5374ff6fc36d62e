package io.sparkinception.jobs;

import io.sparkinception.trainer.evaluation.ModelSet;
import io.sparkinception.trainer.predict.PredictConfig;
import io.sparkinception.trainer.predict.Prediction;
import java.io.PrintStream;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/** {@code predict}: top-5 classes of annotated boxes or whole images, no labels needed. */
final class PredictJob implements Command {
    @Override
    public String name() {
        return "predict";
    }

    @Override
    public String summary() {
        return "score annotated boxes or a directory of images with a model or ensemble; write Parquet and CSV top-5";
    }

    @Override
    public String namespace() {
        return PredictConfig.NAMESPACE;
    }

    @Override
    public List<String> required() {
        return List.of("model", "output");
    }

    @Override
    public int run(Arguments args, PrintStream out) throws Exception {
        PredictConfig config = PredictConfig.load(args.configFile(), args.overrides());
        ModelSet models = Preflight.predict(Preflight.driverFiles(), config);
        SparkSession spark = Sessions.create(name());
        try {
            Prediction.Result r = Prediction.run(spark, config, models, out);
            out.println("wrote " + r.output() + "/predictions.csv (" + r.predicted() + " predictions, " + r.skipped()
                    + " skipped)");
            return 0;
        } finally {
            spark.stop();
        }
    }
}
