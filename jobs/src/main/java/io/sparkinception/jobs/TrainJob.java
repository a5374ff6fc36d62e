package io.sparkinception.jobs;

import io.sparkinception.trainer.training.DistributedTrainer;
import io.sparkinception.trainer.training.TrainConfig;
import java.io.PrintStream;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/** {@code train}: synchronous parameter averaging of an Inception model over the executors. */
final class TrainJob implements Command {
    @Override
    public String name() {
        return "train";
    }

    @Override
    public String summary() {
        return "train an Inception model on preprocessed shards with parameter averaging over the executors";
    }

    @Override
    public String namespace() {
        return TrainConfig.NAMESPACE;
    }

    @Override
    public List<String> required() {
        return List.of("data", "output");
    }

    @Override
    public int run(Arguments args, PrintStream out) throws Exception {
        TrainConfig config = TrainConfig.load(args.configFile(), args.overrides());
        Preflight.train(Preflight.driverFiles(), config);
        SparkSession spark = Sessions.create(name());
        try {
            DistributedTrainer.Summary s = DistributedTrainer.run(spark, config, out);
            out.printf("wrote %s: model.zip, inference-model.zip%s, metrics.jsonl, summary.json (%s)%n",
                    config.output(), config.emaDecay() > 0 ? ", ema-model.zip" : "", scores(s));
            return 0;
        } finally {
            spark.stop();
        }
    }

    /** The final scores for the closing line: the val split's, eval-data's, or that there was none. */
    static String scores(DistributedTrainer.Summary s) {
        String val = Double.isNaN(s.valTop1()) ? "no val split" : String.format("val top-1 %.4f", s.valTop1());
        return s.testExamples() > 0 ? val + String.format(", eval-data top-1 %.4f", s.testTop1()) : val;
    }
}
