package io.sparkinception.jobs;

import io.sparkinception.trainer.quickstart.Quickstart;
import io.sparkinception.trainer.quickstart.QuickstartConfig;
import java.io.PrintStream;
import org.apache.spark.sql.SparkSession;

/** {@code quickstart}: generate (or use) a dataset, preprocess, train an ensemble, evaluate it, write the report. */
final class QuickstartJob implements Command {
    @Override
    public String name() {
        return "quickstart";
    }

    @Override
    public String summary() {
        return "generate a labelled traffic-sign dataset (or use gtsrb:DIR / voc:DIR) and run the pipeline on it end to end";
    }

    @Override
    public String namespace() {
        return QuickstartConfig.NAMESPACE;
    }

    @Override
    public int run(Arguments args, PrintStream out) throws Exception {
        QuickstartConfig config = QuickstartConfig.load(args.configFile(), args.overrides());
        SparkSession spark = Sessions.create(name());
        try {
            Quickstart.run(spark, config, out);
            return 0;
        } finally {
            spark.stop();
        }
    }
}
