package io.sparkinception.trainer.evaluation;

import io.sparkinception.preprocessing.DatasetMetadata;
import io.sparkinception.preprocessing.MetadataIO;
import io.sparkinception.common.HadoopFiles;
import io.sparkinception.trainer.models.SafeModelLoader;
import java.io.IOException;
import io.sparkinception.trainer.ensemble.EnsembleTrainer;
import io.sparkinception.trainer.ensemble.MemberWeights;
import io.sparkinception.trainer.training.DistributedTrainer;
import io.sparkinception.trainer.training.RunRecords;
import java.util.ArrayList;
import java.util.List;

/**
 * The models to score with: one {@code train} output directory, or an {@code ensemble} directory (its
 * {@code ensemble.json} lists the members). Every member must have been trained on data with the same spec and
 * classes; the spec comes from the first member's {@code metadata.json}.
 *
 * @param root      the directory given
 * @param ensemble  whether it is an ensemble directory
 * @param members   the selected members, in manifest order
 * @param metadata  the preprocessing metadata the models were trained on (spec, classes)
 * @param recorded  the member weights the ensemble's manifest records for the selected members (uniform for a
 *                  single model or a manifest without weights)
 */
public record ModelSet(String root, boolean ensemble, List<Member> members, DatasetMetadata metadata,
                       MemberWeights recorded) {

    /**
     * The weights of the members' average under {@code --member-weights}: the recorded ones (those of the selected
     * members, renormalized, when {@code --members N} selects the first N) or uniform.
     */
    public MemberWeights weights(EvaluateConfig.MemberWeighting choice) {
        if (choice == EvaluateConfig.MemberWeighting.UNIFORM) {
            return MemberWeights.uniform(members.size());
        }
        return recorded;
    }

    /** Inference weights to use: the final parameters or the Polyak (EMA) average. */
    public enum Weights {
        FINAL("inference-model.zip"), EMA("ema-model.zip");

        final String file;

        Weights(String file) {
            this.file = file;
        }

        public static Weights of(String s) {
            return switch (s) {
                case "final" -> FINAL;
                case "ema" -> EMA;
                default -> throw new IllegalArgumentException("--weights must be final or ema, got '" + s + "'");
            };
        }
    }

    /** One model: its name, directory, the serialized inference graph and its {@code summary.json}. */
    public record Member(String name, String dir, byte[] model, DistributedTrainer.Summary summary) {
        public String family() {
            return summary.family();
        }

        public double width() {
            return summary.width();
        }

        /**
         * The side of the member's network input: the {@code input_size} its training recorded in summary.json
         * (the stored image size for runs older than that key).
         */
        public int inputSize() {
            return summary.inputSize();
        }
    }

    /**
     * The network input side every member shares (checked by {@link #load}); smaller than the stored examples'
     * {@code metadata.spec().imageSize()} when the members were trained with {@code input-size}, and the crop
     * policies then use the stored context.
     */
    public int inputSize() {
        return members.get(0).inputSize();
    }

    /**
     * The recorded weights of the first {@code n} of {@code all} members, renormalized to sum to 1; uniform when the
     * manifest records none.
     */
    static MemberWeights recorded(MemberWeights manifest, int all, int n, String root) {
        if (manifest == null) {
            return MemberWeights.uniform(n);
        }
        if (manifest.weights().size() != all) {
            throw new IllegalArgumentException(root + "/" + EnsembleTrainer.Manifest.FILE_NAME + " records "
                    + manifest.weights().size() + " member weights for " + all + " members");
        }
        List<Double> first = manifest.weights().subList(0, n);
        double total = first.stream().mapToDouble(Double::doubleValue).sum();
        io.sparkinception.trainer.inference.Combiner.checkMemberWeights(
                first.stream().mapToDouble(Double::doubleValue).toArray(), n);
        return new MemberWeights(manifest.method(), first.stream().map(w -> w / total).toList(), manifest.modelFile(),
                manifest.valExamples(), manifest.uniformValLogLoss(), manifest.weightedValLogLoss(),
                manifest.iterations(), manifest.converged());
    }

    /**
     * Checks a {@code --members} value without the models: {@code all} (returns 0) or a number >= 1 (returned).
     */
    public static int checkMembers(String members) {
        if (members.trim().equals("all")) {
            return 0;
        }
        int n;
        try {
            n = Integer.parseInt(members.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--members must be all or a number, got '" + members + "'");
        }
        if (n < 1) {
            throw new IllegalArgumentException("--members must be all or >= 1, got " + n);
        }
        return n;
    }

    /**
     * @param dir     the model directory, qualified and without a trailing slash ({@link HadoopFiles#qualifyDir})
     * @param members "all" or N (the first N members of an ensemble)
     */
    public static ModelSet load(HadoopFiles files, String dir, String members, Weights weights) throws IOException {
        String root = dir;
        List<String> names = new ArrayList<>();
        List<String> dirs = new ArrayList<>();
        boolean ensemble = files.exists(root + "/" + EnsembleTrainer.Manifest.FILE_NAME);
        MemberWeights manifestWeights = null;
        if (ensemble) {
            EnsembleTrainer.Manifest manifest = EnsembleTrainer.Manifest.read(files, root);
            manifestWeights = manifest.weights();
            for (EnsembleTrainer.MemberEntry m : manifest.members()) {
                names.add(m.name());
                // Members live below the ensemble directory; resolve them there, so a moved ensemble still works.
                dirs.add(root + "/" + m.name());
            }
        } else if (files.exists(root + "/" + RunRecords.SUMMARY)) {
            names.add(root.substring(root.lastIndexOf('/') + 1));
            dirs.add(root);
        } else {
            throw new IllegalArgumentException("model " + root + " is neither a train output (summary.json) nor an"
                    + " ensemble output (ensemble.json)");
        }
        int n = checkMembers(members);
        if (n == 0) {
            n = names.size();
        } else if (n > names.size()) {
            throw new IllegalArgumentException("--members must be in 1.." + names.size() + " (or all) for " + root + ", got " + n);
        }
        List<Member> out = new ArrayList<>();
        DatasetMetadata metadata = null;
        for (int i = 0; i < n; i++) {
            String d = dirs.get(i);
            if (!files.exists(d + "/" + RunRecords.SUMMARY)) {
                throw new IllegalArgumentException("member " + names.get(i) + " in " + d + " has not finished training"
                        + " (no summary.json); rerun the ensemble to finish it");
            }
            if (!files.exists(d + "/" + weights.file)) {
                throw new IllegalArgumentException(d + " has no " + weights.file
                        + (weights == Weights.EMA ? " (trained with ema-decay = 0?)" : ""));
            }
            DatasetMetadata m = MetadataIO.read(files, d);
            if (metadata == null) {
                metadata = m;
            } else if (m.spec().imageSize() != metadata.spec().imageSize()
                    || !java.util.Arrays.equals(m.spec().mean(), metadata.spec().mean())
                    || m.classes().size() != metadata.classes().size()) {
                throw new IllegalArgumentException("member " + names.get(i) + " was trained on data with another spec or"
                        + " class list than " + names.get(0) + "; members of one evaluation must share them");
            }
            DistributedTrainer.Summary summary = RunRecords.readSummary(files, d);
            if (!out.isEmpty() && summary.inputSize() != out.get(0).inputSize()) {
                throw new IllegalArgumentException("member " + names.get(i) + " was trained at input size "
                        + summary.inputSize() + " px, " + names.get(0) + " at " + out.get(0).inputSize()
                        + " px; members of one evaluation must share it");
            }
            String file = d + "/" + weights.file;
            byte[] model = files.readBytes(file);
            // Checked once here, on the driver, before any Spark job: a broken or tampered file fails with its path.
            SafeModelLoader.validate(file, model);
            out.add(new Member(names.get(i), d, model, summary));
        }
        return new ModelSet(root, ensemble, List.copyOf(out), metadata, recorded(manifestWeights, names.size(), n, root));
    }
}
