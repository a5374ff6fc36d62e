package io.sparkinception.jobs;

import io.sparkinception.trainer.evaluation.ModelSet;
import io.sparkinception.trainer.evaluation.EvaluateConfig;
import io.sparkinception.trainer.evaluation.Evaluation;
import java.io.PrintStream;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/** {@code evaluate}: members x crop policies on preprocessed shards or raw annotated images, and the report. */
final class EvaluateJob implements Command {
    @Override
    public String name() {
        return "evaluate";
    }

    @Override
    public String summary() {
        return "score a model or ensemble (1, 10, 144 crops) on shards or raw images and write report.html/json/csv";
    }

    @Override
    public String namespace() {
        return EvaluateConfig.NAMESPACE;
    }

    @Override
    public List<String> required() {
        return List.of("model", "report");
    }

    @Override
    public int run(Arguments args, PrintStream out) throws Exception {
        EvaluateConfig config = EvaluateConfig.load(args.configFile(), args.overrides());
        ModelSet models = Preflight.evaluate(Preflight.driverFiles(), config);
        SparkSession spark = Sessions.create(name());
        try {
            Evaluation.Result r = Evaluation.run(spark, config, models, out);
            out.println("wrote " + r.report().resolve("report.html") + " (and report.json, *.csv, *.png)");
            return 0;
        } finally {
            spark.stop();
        }
    }
}
