package io.sparkinception.trainer.quickstart;

import io.sparkinception.preprocessing.PreprocessConfig;
import io.sparkinception.preprocessing.annotations.SourceSpec;
import io.sparkinception.preprocessing.annotations.Split;
import io.sparkinception.preprocessing.image.Interpolation;
import io.sparkinception.preprocessing.spark.PreprocessPipeline;
import io.sparkinception.preprocessing.synthetic.SyntheticSigns;
import io.sparkinception.trainer.ensemble.EnsembleConfig;
import io.sparkinception.trainer.ensemble.EnsembleTrainer;
import io.sparkinception.trainer.evaluation.EvaluateConfig;
import io.sparkinception.trainer.evaluation.Evaluation;
import io.sparkinception.trainer.report.ReportInput;
import io.sparkinception.trainer.training.TrainConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * {@code quickstart}: the whole product on data it generates itself (or on a real dataset): generate ->
 * preprocess the training set -> preprocess the test set with the training spec -> an ensemble of small
 * GoogLeNets -> evaluate with 1 and 10 crops -> the HTML report.
 */
public final class Quickstart {
    /** The crops of every quickstart dataset: GTSRB's ROIs are tight, so a small margin keeps the sign's rim. */
    static final PreprocessConfig.CropSpec CROP = new PreprocessConfig.CropSpec(0.1, true, Interpolation.AREA);

    private Quickstart() {
    }

    /** The training source, its split mode (null: auto) and the test source (or null). */
    record Sources(SourceSpec train, Split trainSplit, SourceSpec test) {
    }

    /** Runs every step and prints progress and the headline numbers to {@code out}. */
    public static void run(SparkSession spark, QuickstartConfig cfg, PrintStream out)
            throws IOException, InterruptedException {
        Sources sources = sources(cfg, out);
        String prep = cfg.output().resolve("prep").toString();
        String prepTest = cfg.output().resolve("prep-test").toString();
        step(out, 2, "preprocess the training set -> " + prep);
        out.print(PreprocessPipeline.summaryTable(PreprocessPipeline.run(spark, PreprocessConfig.builder(sources.train(), prep)
                .newSpec(cfg.imageSize(), CROP).seed(cfg.seed()).split(sources.trainSplit()).overwrite(true).build(), out)));
        if (sources.test() != null) {
            step(out, 3, "preprocess the test set with the training spec -> " + prepTest);
            out.print(PreprocessPipeline.summaryTable(PreprocessPipeline.run(spark, PreprocessConfig.builder(sources.test(),
                    prepTest).reuseSpec(prep + "/metadata.json").seed(cfg.seed()).split(Split.TEST).overwrite(true).build(), out)));
        }
        String evalData = sources.test() != null ? prepTest : null;
        Path report = cfg.output().resolve("report");
        if (cfg.epochs() > 0) {
            train(spark, cfg, prep, evalData, out);
            evaluate(spark, cfg, evalData != null ? evalData : prep, report, evalData != null, out);
        }
        out.println("quickstart: done. Shards and metadata.json in " + prep + (evalData != null ? " and " + prepTest : "")
                + (cfg.epochs() > 0 ? "; the ensemble in " + cfg.output().resolve("ensemble") : ""));
        if (cfg.epochs() > 0) {
            out.println("quickstart: open the report: " + report.resolve("report.html").toUri());
        }
    }

    private static void train(SparkSession spark, QuickstartConfig cfg, String prep, String evalData, PrintStream out)
            throws IOException, InterruptedException {
        String ens = cfg.output().resolve("ensemble").toString();
        step(out, 4, String.format(Locale.ROOT, "train an ensemble of %d GoogLeNet members (width %.2f%s) for %d"
                        + " epochs each -> %s", cfg.members(), cfg.width(),
                cfg.members() > 1 ? ", the last one 1.25x wider" : "", cfg.epochs(), ens));
        EnsembleConfig ensemble = EnsembleConfig.load(null, Map.of("data", prep, "output", ens,
                "members", Integer.toString(cfg.members()), "wide-members", cfg.members() > 1 ? "1" : "0"));
        EnsembleTrainer.run(spark, ensemble, memberSettings(cfg, prep, ens, evalData), out);
    }

    /**
     * The training settings of every member, as train's flags (so reference.conf supplies everything else): small
     * GoogLeNets (at least 8 filters a layer) that learn the small synthetic set in a few epochs on a laptop.
     */
    static TrainConfig memberSettings(QuickstartConfig cfg, String prep, String ens, String evalData) {
        Map<String, String> flags = new HashMap<>(Map.of("data", prep, "output", ens, "family", "googlenet",
                "width", Double.toString(cfg.width()), "min-filters", "8", "epochs", Integer.toString(cfg.epochs()),
                "seed", Long.toString(cfg.seed()), "batch-size-per-worker", "32", "averaging-frequency", "2",
                "batch-norm-decay", "0.9"));
        // Random crops keep at least 90 % of the small images, so the whole stored image scored by evaluate's one crop
        // looks like what training saw (at 60 % the one-crop error was 34 % against 22 %, BENCHMARKS.md); no mirror (it
        // changes the class of some signs); Adam 0.003 warmed up over half an epoch and decayed to zero on a cosine;
        // checkpoint-every 1000 rounds: in these short runs, only the checkpoint after the last round.
        flags.putAll(Map.of("augment.min-area", "0.9", "augment.mirror", "false", "checkpoint-every", "1000",
                "learning-rate", "0.003", "lr-schedule", "cosine", "warmup-epochs", "0.5"));
        if (evalData != null) {
            flags.put("eval-data", evalData);
        }
        return TrainConfig.load(null, flags);
    }

    private static void evaluate(SparkSession spark, QuickstartConfig cfg, String data, Path report, boolean testSet,
                                 PrintStream out) throws IOException {
        step(out, 5, "evaluate the members and the ensemble with 1 crop and 5 (the 10-crop protocol without mirrors) -> " + report);
        // A rerun of quickstart regenerates its own report (swapped in once complete). Without a test set (VOC),
        // evaluate picks the prepared data's test split if the ImageSets define one, else val.
        Evaluation.Result r = Evaluation.run(spark, EvaluateConfig.load(null, Map.of("model",
                cfg.output().resolve("ensemble").toString(), "report", report.toString(), "crops", "1,10",
                "mirror-crops", "false", "overwrite", "true", "data", data)), out);
        ReportInput.ResultRow best = r.table().get(0);
        ReportInput.ResultRow last = r.table().get(r.table().size() - 1);
        int classes = r.metrics().values().iterator().next().numClasses();
        out.printf(Locale.ROOT, "quickstart: %,d %s images, %d classes (chance: %.1f %% top-1 error): best member"
                        + " %.1f %% top-1 error with 1 crop; %d member%s with %d crops %.1f %%%n",
                r.examples(), testSet ? "test" : "held-out", classes, 100.0 * (classes - 1) / classes,
                100 * best.top1Error(), last.members(), last.members() == 1 ? "" : "s",
                Math.round(last.cost() / last.members()), 100 * last.top1Error());
    }

    private static Sources sources(QuickstartConfig cfg, PrintStream out) throws IOException {
        if (cfg.synthetic()) {
            Path dir = cfg.output().resolve("data");
            step(out, 1, String.format(Locale.ROOT, "generate %d classes x (%d train + %d test) synthetic signs -> %s",
                    cfg.classes(), cfg.trainPerClass(), cfg.testPerClass(), dir));
            SyntheticSigns.Written w = new SyntheticSigns(cfg.classes()).write(dir, cfg.trainPerClass(),
                    cfg.testPerClass(), cfg.seed());
            return new Sources(gtsrb(w.trainCsv(), w.classNames()), null, gtsrb(w.testCsv(), w.classNames()));
        }
        step(out, 1, "use " + cfg.dataKind() + " data in " + cfg.dataDir());
        if (cfg.dataKind().equals("voc")) {
            return new Sources(new SourceSpec(SourceSpec.Format.VOC, cfg.dataDir(), "", "", null, true), null, null);
        }
        Path d = Path.of(cfg.dataDir());
        Path names = Files.exists(d.resolve("signnames.csv")) ? d.resolve("signnames.csv") : null;
        return new Sources(gtsrb(d.resolve("Train.csv"), names), null,
                Files.exists(d.resolve("Test.csv")) ? gtsrb(d.resolve("Test.csv"), names) : null);
    }

    private static SourceSpec gtsrb(Path csv, Path names) {
        return new SourceSpec(SourceSpec.Format.GTSRB, csv.toString(), "", names == null ? "" : names.toString(), null, true);
    }

    private static void step(PrintStream out, int n, String what) {
        out.println("quickstart [" + n + "] " + what);
    }
}
