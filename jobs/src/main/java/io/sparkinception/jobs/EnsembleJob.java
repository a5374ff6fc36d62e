package io.sparkinception.jobs;

import io.sparkinception.trainer.ensemble.EnsembleConfig;
import io.sparkinception.trainer.ensemble.EnsembleTrainer;
import io.sparkinception.trainer.training.TrainConfig;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** {@code ensemble}: trains the members of a GoogLeNet-style ensemble and writes its manifest. */
final class EnsembleJob implements Command {
    @Override
    public String name() {
        return "ensemble";
    }

    @Override
    public String summary() {
        return "train N members (same init, different sampling and data order, some wider) and write ensemble.json";
    }

    @Override
    public String namespace() {
        return EnsembleConfig.NAMESPACE;
    }

    @Override
    public List<String> namespaces() {
        return List.of(EnsembleConfig.NAMESPACE, TrainConfig.NAMESPACE);
    }

    @Override
    public List<String> required() {
        return List.of("data", "output");
    }

    @Override
    public int run(Arguments args, PrintStream out) throws Exception {
        EnsembleConfig config = EnsembleConfig.load(args.configFile(), args.overridesIn(EnsembleConfig.NAMESPACE));
        // data and output are the ensemble's; each member gets its own output below it.
        Map<String, String> train = args.overridesNotIn(EnsembleConfig.NAMESPACE);
        train.putAll(Map.of("data", config.data(), "output", config.output()));
        TrainConfig base = TrainConfig.load(args.configFile(), train);
        Preflight.ensemble(Preflight.driverFiles(), config, base);
        SparkSession spark = Sessions.create(name());
        try {
            EnsembleTrainer.Manifest m = EnsembleTrainer.run(spark, config, base, out);
            out.printf("wrote %s/ensemble.json (%d members)%n", config.output(), m.members().size());
            return 0;
        } finally {
            spark.stop();
        }
    }
}
