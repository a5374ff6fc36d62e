package io.sparkinception.trainer.ensemble;

import io.sparkinception.common.Json;
import io.sparkinception.preprocessing.DatasetMetadata;
import io.sparkinception.preprocessing.MetadataIO;
import io.sparkinception.common.HadoopFiles;
import io.sparkinception.preprocessing.spark.ProgressMonitor;
import io.sparkinception.trainer.training.Checkpoints;
import io.sparkinception.trainer.training.DistributedTrainer;
import io.sparkinception.trainer.training.RunRecords;
import io.sparkinception.trainer.training.TrainConfig;
import io.sparkinception.trainer.training.TrainingDivergedException;
import io.sparkinception.common.OutputDirectory;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.SparkSession;

/**
 * Trains the members of an ensemble one after another (or {@code concurrent} at a time, as concurrent Spark jobs
 * sharing the executors) with {@link DistributedTrainer}, and writes {@code ensemble.json}; with {@code member-init =
 * trunk} a shared trunk run trains first and the members of the train width start from it. Rerunning into the same
 * output resumes: finished members (those with a {@code summary.json}) are left as they are, an interrupted one
 * continues from its latest checkpoint, and the rest start.
 */
public final class EnsembleTrainer {
    /** The directory (under the ensemble's output) and log prefix of the trunk ({@code member-init = trunk}). */
    public static final String TRUNK = "trunk";

    private EnsembleTrainer() {
    }

    /**
     * {@code ensemble.json}: the manifest evaluation reads. {@code weights}: the members' weights in the ensemble's
     * average (null in manifests written before weights existed: uniform).
     */
    public record Manifest(int formatVersion, String createdAt, String data, DatasetMetadata.Spec spec,
                           List<String> classes, List<MemberEntry> members, MemberWeights weights, double totalTrainingSeconds,
                           double wallSeconds, String ensembleConfig, String trainConfig) {
        public static final String FILE_NAME = "ensemble.json";

        /** {@code <dir>/ensemble.json}. */
        public static Manifest read(HadoopFiles files, String dir) throws IOException {
            String path = dir + "/" + FILE_NAME;
            try {
                return Json.mapper().readValue(files.readText(path), Manifest.class);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalArgumentException(path + ": not an ensemble manifest: " + e.getOriginalMessage(), e);
            }
        }
    }

    /**
     * One member in the manifest; {@code summary} is the member's {@code summary.json}; {@code timeBudget} its share of
     * the ensemble's time budget, or null.
     */
    public record MemberEntry(String name, String dir, String family, double width, long seed, long samplingSeed,
                              boolean wide, String status, double trainingSeconds, DistributedTrainer.Summary summary,
                              String timeBudget) {
    }

    public static Manifest run(SparkSession spark, EnsembleConfig ens, TrainConfig base, PrintStream log)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        HadoopFiles files = HadoopFiles.of(spark.sparkContext().hadoopConfiguration());
        String out = files.qualifyDir(ens.output());
        String data = files.qualifyDir(ens.data());
        OutputDirectory.requireOwn(files, out, OutputDirectory.Kind.ENSEMBLE);
        DatasetMetadata metadata = MetadataIO.read(files, data);
        ens.check(base, metadata, data);
        String settings = "ensemble {\n" + ens.rendered() + "}\ntrain {\n" + base.with(Map.of("data", data, "output", out,
                "resume", "false")).rendered() + "}\n";
        String settingsPath = out + "/ensemble.conf";
        if (files.exists(settingsPath)) {
            if (!files.readText(settingsPath).equals(settings)) {
                throw new IllegalArgumentException("output " + out + " holds an ensemble trained with other settings"
                        + " (see its ensemble.conf); choose another --output or rerun with the same settings to resume it");
            }
            log.println("ensemble: resuming the ensemble in " + out);
        } else {
            files.writeAtomically(settingsPath, settings);
        }

        List<EnsembleMember> plan = EnsembleMember.plan(ens, base);
        log.printf(Locale.ROOT, "ensemble: %d members (%s), %d at a time -> %s%s%n", plan.size(),
                describe(plan), ens.concurrent(), out, ens.timeBudget() == null ? "" : ", time-budget " + ens.timeBudget());
        MemberBudgets budgets = budgets(files, ens, base, metadata, plan, out, log);
        String trunk = ens.memberInit() == EnsembleConfig.MemberInit.TRUNK
                ? trainTrunk(spark, files, ens, base, data, out, budgets, prefixed(log, TRUNK)) : null;
        long membersStart = System.nanoTime(); // the ETA extrapolates the members' pace, not the trunk's minutes
        List<Future<MemberEntry>> futures = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(ens.concurrent(), r -> {
            Thread t = new Thread(r, "ensemble-member");
            t.setDaemon(true);
            return t;
        });
        int[] finished = {0};
        try {
            for (EnsembleMember m : plan) {
                futures.add(pool.submit(() -> {
                    MemberEntry e = trainMember(spark, files, m, ens, base, data, out, budgets, trunk,
                            prefixed(log, m.name()));
                    synchronized (finished) {
                        finished[0]++;
                        double elapsed = (System.nanoTime() - start) / 1e9;
                        double members = (System.nanoTime() - membersStart) / 1e9;
                        log.printf(Locale.ROOT, "ensemble: %s %s (%d/%d members, elapsed %s, ETA %s)%n", m.name(), e.status(),
                                finished[0], plan.size(), ProgressMonitor.formatDuration(elapsed),
                                ProgressMonitor.formatDuration(members / finished[0] * (plan.size() - finished[0])));
                    }
                    return e;
                }));
            }
            List<MemberEntry> entries = new ArrayList<>();
            for (Future<MemberEntry> f : futures) {
                try {
                    entries.add(f.get());
                } catch (java.util.concurrent.ExecutionException ex) {
                    Throwable c = ex.getCause();
                    if (c instanceof IOException io) {
                        throw io;
                    }
                    if (c instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new IllegalStateException(c);
                }
            }
            double total = entries.stream().mapToDouble(MemberEntry::trainingSeconds).sum();
            MemberWeights weights = weights(spark, files, ens, base, data, metadata, entries, log);
            Manifest manifest = new Manifest(1, Instant.now().toString(), data, metadata.spec(),
                    metadata.classes().stream().map(c -> c.label()).toList(), entries, weights, total,
                    (System.nanoTime() - start) / 1e9, ens.rendered(), base.rendered());
            files.writeAtomically(out + "/" + Manifest.FILE_NAME, Json.toJson(manifest));
            log.printf(Locale.ROOT, "ensemble: done, %d members, %s of member training (wall %s); manifest %s/ensemble.json%n",
                    entries.size(), ProgressMonitor.formatDuration(total),
                    ProgressMonitor.formatDuration(manifest.wallSeconds()), out);
            return manifest;
        } finally {
            pool.shutdownNow();
        }
    }

    /** The shares of the ensemble's time budget, or null without one; an earlier run's {@code budget.json} is reused. */
    private static MemberBudgets budgets(HadoopFiles files, EnsembleConfig ens, TrainConfig base,
                                         DatasetMetadata metadata, List<EnsembleMember> plan, String out,
                                         PrintStream log) throws IOException {
        if (ens.budget() == null) {
            return null;
        }
        String path = out + "/" + MemberBudgets.FILE_NAME;
        MemberBudgets.Record recorded = files.exists(path)
                ? Json.mapper().readValue(files.readText(path), MemberBudgets.Record.class) : null;
        List<EnsembleMember> toTrain = new ArrayList<>();
        for (EnsembleMember m : plan) {
            if (!files.exists(out + "/" + m.name() + "/" + RunRecords.SUMMARY)) {
                toTrain.add(m);
            }
        }
        Map<String, Double> costs = MemberCosts.of(toTrain, base, metadata, ens.budgetSplit());
        if (ens.budgetSplit() == EnsembleConfig.BudgetSplit.COST) {
            log.println("ensemble: time-budget split by cost (multiply-adds per image, relative): "
                    + MemberCosts.describe(costs));
        }
        return new MemberBudgets(ens.budget(), ens.concurrent(), costs, recorded, System::nanoTime);
    }

    /** The member's share of the time budget (recorded in budget.json before it starts), or null without a budget. */
    private static String share(HadoopFiles files, MemberBudgets budgets, String member, String out, PrintStream log)
            throws IOException {
        if (budgets == null) {
            return null;
        }
        synchronized (budgets) {
            if (budgets.exhausted() && budgets.shareOf(member) == null) {
                log.println("warning: the ensemble's time-budget is used up; this member gets the smallest share");
            }
            String share = budgets.start(member);
            files.writeAtomically(out + "/" + MemberBudgets.FILE_NAME, Json.toJson(budgets.record()));
            return share;
        }
    }

    /** The members' weights: uniform, or fitted on the val split ({@link ValidationWeights}). */
    private static MemberWeights weights(SparkSession spark, HadoopFiles files, EnsembleConfig ens, TrainConfig base,
                                         String data, DatasetMetadata metadata, List<MemberEntry> entries,
                                         PrintStream log) throws IOException {
        if (ens.weights() == EnsembleConfig.Weighting.UNIFORM) {
            return MemberWeights.uniform(entries.size());
        }
        log.println("ensemble: scoring the members on " + data + "/val for --weights val-loss");
        MemberWeights w = ValidationWeights.fit(spark, files, data, metadata, entries, base.kernels(),
                base.effectiveInputSize(metadata.spec().imageSize()));
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            shown.add(String.format(Locale.ROOT, "%s %.3f", entries.get(i).name(), w.weights().get(i)));
        }
        log.printf(Locale.ROOT, "ensemble: val-loss weights %s; val log loss %.4f uniform, %.4f weighted (%,d examples,"
                        + " %d EM iterations)%n", String.join(", ", shown), w.uniformValLogLoss(), w.weightedValLogLoss(),
                w.valExamples(), w.iterations());
        return w;
    }

    /**
     * {@code member-init = trunk}: trains (or resumes, or reuses) the trunk, {@code <out>/trunk}, for its share of the
     * time budget with the base settings and seed, and returns its {@code model.zip}. The members' shares then split
     * what is left ({@code budget.json} records the time spent).
     */
    private static String trainTrunk(SparkSession spark, HadoopFiles files, EnsembleConfig ens, TrainConfig base,
                                     String data, String out, MemberBudgets budgets, PrintStream log) throws IOException {
        String dir = out + "/" + TRUNK;
        if (files.exists(dir + "/" + RunRecords.SUMMARY)) {
            log.println("already trained; left as it is");
        } else {
            boolean resume = new Checkpoints(files, dir).exist();
            String share = ens.budget().left(java.time.Duration.ZERO, 1, ens.trunkShare()).text();
            Map<String, String> o = new LinkedHashMap<>();
            o.put("data", data);
            o.put("output", dir);
            o.put("time-budget", share);
            o.put("resume", Boolean.toString(resume));
            String wide = ens.wideMembers() == 0 ? "" : ens.wideWidth() < 1
                    ? " (the narrower ones from their own initialization)" : " (the wide ones widened)";
            log.printf(Locale.ROOT, "%s the trunk: %s width %.2f, seed %d, time-budget %s (%.0f %% of %s); the members"
                            + " then start from its model%s%n", resume ? "resuming" : "training", base.family().id(),
                    base.width(), base.seed(), share, 100 * ens.trunkShare(), ens.timeBudget(), wide);
            try {
                DistributedTrainer.run(spark, base.with(o), log);
            } catch (TrainingDivergedException e) {
                throw new TrainingDivergedException(e.round(), "the trunk failed: " + e.getMessage());
            }
        }
        synchronized (budgets) {
            files.writeAtomically(out + "/" + MemberBudgets.FILE_NAME, Json.toJson(budgets.record()));
        }
        return dir + "/model.zip";
    }

    private static MemberEntry trainMember(SparkSession spark, HadoopFiles files, EnsembleMember m, EnsembleConfig ens,
                                           TrainConfig base, String data, String out, MemberBudgets budgets,
                                           String trunk, PrintStream log) throws IOException {
        String dir = out + "/" + m.name();
        boolean wide = m.index() > ens.members() - ens.wideMembers();
        // A wide member starts from the trunk widened (Widening: it computes the trunk's outputs at its start); a
        // "wide" member narrower than the trunk (wide-width < 1) cannot, and starts from its own initialization.
        String init = wide && ens.wideWidth() < 1 ? null : trunk;
        String status;
        if (files.exists(dir + "/" + RunRecords.SUMMARY)) {
            log.println("already trained; left as it is");
            status = "reused";
        } else {
            boolean resume = new Checkpoints(files, dir).exist();
            String share = share(files, budgets, m.name(), out, log);
            TrainConfig cfg = m.trainConfig(base, data, dir, resume, share, init);
            log.printf(Locale.ROOT, "%s %s width %.2f, %s, sampling seed %d%s%n", resume ? "resuming" : "training",
                    m.family(), m.width(), init != null ? (wide ? "from the trunk, widened" : "from the trunk") : "seed " + m.seed(), m.samplingSeed(),
                    share == null ? "" : ", time-budget " + share);
            try {
                DistributedTrainer.run(spark, cfg, log);
            } catch (TrainingDivergedException e) {
                // A diverged member is a failed member: no summary.json, so a rerun resumes it, never reuses it.
                throw new TrainingDivergedException(e.round(), m.name() + " failed: " + e.getMessage());
            } finally {
                if (budgets != null) {
                    budgets.finish(m.name());
                }
            }
            status = resume ? "resumed" : "trained";
        }
        DistributedTrainer.Summary summary = RunRecords.readSummary(files, dir);
        return new MemberEntry(m.name(), dir, m.family(), m.width(), m.seed(), m.samplingSeed(), wide, status,
                summary.wallSeconds(), summary, budgets == null ? null : budgets.shareOf(m.name()));
    }

    private static String describe(List<EnsembleMember> plan) {
        Map<String, Integer> kinds = new LinkedHashMap<>();
        for (EnsembleMember m : plan) {
            kinds.merge(String.format(Locale.ROOT, "%s width %.2f", m.family(), m.width()), 1, Integer::sum);
        }
        List<String> parts = new ArrayList<>();
        kinds.forEach((k, n) -> parts.add(n + " x " + k));
        return String.join(", ", parts);
    }

    /** A stream that prefixes every line with {@code [name] }, so concurrent members' logs stay readable. */
    static PrintStream prefixed(PrintStream log, String name) {
        return new PrintStream(new OutputStream() {
            private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

            @Override
            public synchronized void write(int b) {
                line.write(b);
                if (b == '\n') {
                    synchronized (log) {
                        log.print("[" + name + "] " + line.toString(StandardCharsets.UTF_8));
                        log.flush();
                    }
                    line.reset();
                }
            }
        }, true, StandardCharsets.UTF_8);
    }

}
