package io.sparkinception.jobs;

import io.sparkinception.preprocessing.PreprocessConfig;
import io.sparkinception.preprocessing.spark.PreprocessPipeline;
import java.io.PrintStream;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/** {@code preprocess}: boxes to crops to resized, mean-subtracted Parquet shards. */
final class PreprocessJob implements Command {
    @Override
    public String name() {
        return "preprocess";
    }

    @Override
    public String summary() {
        return "crop annotated boxes, resize, subtract the training mean, write Parquet shards + metadata.json";
    }

    @Override
    public String namespace() {
        return PreprocessConfig.NAMESPACE;
    }

    @Override
    public List<String> required() {
        return List.of("input", "output", "image-size");
    }

    @Override
    public int run(Arguments args, PrintStream out) throws Exception {
        PreprocessConfig config = PreprocessConfig.load(args.configFile(), args.overrides());
        SparkSession spark = Sessions.create(name());
        try {
            PreprocessPipeline.Result result = PreprocessPipeline.run(spark, config, out);
            out.print(PreprocessPipeline.summaryTable(result));
            out.println("wrote " + config.output() + " (metadata.json, skipped.csv, "
                    + String.join(", ", result.metadata().shards().keySet()) + ")");
            return 0;
        } finally {
            spark.stop();
        }
    }
}
