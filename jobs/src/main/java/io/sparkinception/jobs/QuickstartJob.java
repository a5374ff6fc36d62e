package io.sparkinception.jobs;

import com.typesafe.config.Config;
import io.sparkinception.common.Settings;
import io.sparkinception.preprocessing.PixelStorage;
import io.sparkinception.preprocessing.PreprocessConfig;
import io.sparkinception.preprocessing.annotations.SourceSpec;
import io.sparkinception.preprocessing.annotations.Split;
import io.sparkinception.preprocessing.image.Interpolation;
import io.sparkinception.preprocessing.spark.PreprocessPipeline;
import io.sparkinception.preprocessing.synthetic.SyntheticSigns;
import io.sparkinception.trainer.training.TrainConfig;
import io.sparkinception.trainer.ensemble.EnsembleConfig;
import io.sparkinception.trainer.ensemble.EnsembleTrainer;
import io.sparkinception.trainer.evaluation.EvaluateConfig;
import io.sparkinception.trainer.evaluation.Evaluation;
import io.sparkinception.trainer.report.ReportInput;
import java.util.HashMap;
import java.util.Map;
import java.io.File;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/**
 * {@code quickstart}: the whole product on data it generates itself (or on a real dataset): generate ->
 * preprocess the training set -> preprocess the test set with the training spec -> an ensemble of small
 * GoogLeNets -> evaluate with 1 and 10 crops -> the HTML report.
 */
final class QuickstartJob implements Command {
    static final String NAMESPACE = "spark-inception.quickstart";

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
        return NAMESPACE;
    }

    @Override
    public int run(Arguments args, PrintStream out) throws Exception {
        Config c = Settings.load(NAMESPACE, args.configFile(), args.overrides());
        Path output = Path.of(c.getString("output")).toAbsolutePath();
        String data = c.getString("data");
        int size = c.getInt("image-size");
        long seed = c.getLong("seed");
        if (size < 8) {
            throw new IllegalArgumentException("image-size must be at least 8, got " + size);
        }
        Sources sources = sources(data, output, c, seed, out);
        SparkSession spark = Sessions.create(name());
        try {
            String prep = output.resolve("prep").toString();
            String prepTest = output.resolve("prep-test").toString();
            step(out, 2, "preprocess the training set -> " + prep);
            PreprocessPipeline.Result train = PreprocessPipeline.run(spark, new PreprocessConfig(sources.train(), prep,
                    new PreprocessConfig.CropSpec(0.1, true, Interpolation.AREA), size, 0, 0.1, seed, sources.trainSplit(),
                    null, PixelStorage.FLOAT32, false, 0, 10, true, "auto"), out);
            out.print(PreprocessPipeline.summaryTable(train));
            if (sources.test() != null) {
                step(out, 3, "preprocess the test set with the training spec -> " + prepTest);
                PreprocessPipeline.Result test = PreprocessPipeline.run(spark, new PreprocessConfig(sources.test(), prepTest,
                        new PreprocessConfig.CropSpec(0.1, true, Interpolation.AREA), 0, 0, 0.1, seed, Split.TEST,
                        prep + "/metadata.json", PixelStorage.FLOAT32, false, 0, 10, true, "auto"), out);
                out.print(PreprocessPipeline.summaryTable(test));
            }
            int epochs = c.getInt("epochs");
            int members = c.getInt("members");
            if (members < 1) {
                throw new IllegalArgumentException("members must be >= 1, got " + members);
            }
            String report = output.resolve("report").toString();
            if (epochs > 0) {
                String ens = output.resolve("ensemble").toString();
                step(out, 4, String.format(Locale.ROOT, "train an ensemble of %d GoogLeNet members (width %.2f%s) for %d"
                        + " epochs each -> %s", members, c.getDouble("width"), members > 1 ? ", the last one 1.25x wider" : "",
                        epochs, ens));
                Map<String, String> flags = new HashMap<>(Map.of("data", prep, "output", ens,
                        "family", "googlenet", "width", Double.toString(c.getDouble("width")), "min-filters", "8",
                        "epochs", Integer.toString(epochs), "seed", Long.toString(seed), "batch-size-per-worker", "32",
                        "averaging-frequency", "2", "batch-norm-decay", "0.9"));
                flags.putAll(Map.of("augment.min-area", "0.6", "augment.mirror", "false", "checkpoint-every", "1000",
                        "learning-rate", "0.003"));
                if (sources.test() != null) {
                    flags.put("eval-data", prepTest);
                }
                TrainConfig base = TrainConfig.load(null, flags);
                EnsembleConfig ensemble = EnsembleConfig.load(null, Map.of("data", prep, "output", ens,
                        "members", Integer.toString(members), "wide-members", members > 1 ? "1" : "0"));
                EnsembleTrainer.run(spark, ensemble, base, out);

                step(out, 5, "evaluate the members and the ensemble with 1 and 10 crops -> " + report);
                // A rerun of quickstart regenerates its own report (swapped in once complete), as before.
                Map<String, String> eval = new HashMap<>(Map.of("model", ens, "report", report, "crops", "1,10",
                        "overwrite", "true"));
                if (sources.test() != null) {
                    eval.put("data", prepTest);
                } else {
                    // VOC: its own test split if the ImageSets define one, else val (evaluate picks test, val, train).
                    eval.put("data", prep);
                }
                Evaluation.Result r = Evaluation.run(spark, EvaluateConfig.load(null, eval), out);
                ReportInput.ResultRow best = r.table().get(0);
                ReportInput.ResultRow last = r.table().get(r.table().size() - 1);
                int classes = r.metrics().values().iterator().next().numClasses();
                out.printf(Locale.ROOT, "quickstart: %,d %s images, %d classes (chance: %.1f %% top-1 error): best member"
                                + " %.1f %% top-1 error with 1 crop; %d member%s with %d crops %.1f %%%n",
                        r.examples(), sources.test() != null ? "test" : "held-out", classes, 100.0 * (classes - 1) / classes,
                        100 * best.top1Error(), last.members(), last.members() == 1 ? "" : "s", last.crops(), 100 * last.top1Error());
            }
            out.println("quickstart: done. Shards and metadata.json in " + prep
                    + (sources.test() != null ? " and " + prepTest : "")
                    + (epochs > 0 ? "; the ensemble in " + output.resolve("ensemble") : ""));
            if (epochs > 0) {
                out.println("quickstart: open the report: " + Path.of(report, "report.html").toUri());
            }
            return 0;
        } finally {
            spark.stop();
        }
    }

    /** The training source, its split mode (null: auto) and the test source (or null). */
    record Sources(SourceSpec train, Split trainSplit, SourceSpec test) {
    }

    private static Sources sources(String data, Path output, Config c, long seed, PrintStream out) throws Exception {
        if (data.isBlank()) {
            Path dir = output.resolve("data");
            int classes = c.getInt("classes");
            step(out, 1, String.format(Locale.ROOT, "generate %d classes x (%d train + %d test) synthetic signs -> %s",
                    classes, c.getInt("train-per-class"), c.getInt("test-per-class"), dir));
            SyntheticSigns.Written w = new SyntheticSigns(classes).write(dir, c.getInt("train-per-class"),
                    c.getInt("test-per-class"), seed);
            return new Sources(gtsrb(w.trainCsv(), w.classNames()), null, gtsrb(w.testCsv(), w.classNames()));
        }
        int colon = data.indexOf(':');
        String kind = colon < 0 ? "" : data.substring(0, colon);
        String dir = colon < 0 ? "" : data.substring(colon + 1);
        if (!new File(dir).isDirectory()) {
            throw new IllegalArgumentException("data must be empty, gtsrb:DIR or voc:DIR with an existing DIR, got '" + data + "'");
        }
        step(out, 1, "use " + kind + " data in " + dir);
        return switch (kind) {
            case "gtsrb" -> {
                Path d = Path.of(dir);
                Path names = d.resolve("signnames.csv");
                yield new Sources(gtsrb(d.resolve("Train.csv"), Files.exists(names) ? names : null), null,
                        Files.exists(d.resolve("Test.csv")) ? gtsrb(d.resolve("Test.csv"), Files.exists(names) ? names : null) : null);
            }
            case "voc" -> new Sources(new SourceSpec(SourceSpec.Format.VOC, dir, "", "", null, true), null, null);
            default -> throw new IllegalArgumentException("unknown data kind '" + kind + "' (known: gtsrb, voc)");
        };
    }

    private static SourceSpec gtsrb(Path csv, Path names) {
        return new SourceSpec(SourceSpec.Format.GTSRB, csv.toString(), "", names == null ? "" : names.toString(), null, true);
    }

    private static void step(PrintStream out, int n, String what) {
        out.println("quickstart [" + n + "] " + what);
    }
}
