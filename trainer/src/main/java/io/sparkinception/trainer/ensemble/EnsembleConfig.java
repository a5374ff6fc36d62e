package io.sparkinception.trainer.ensemble;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigRenderOptions;
import io.sparkinception.common.Settings;
import io.sparkinception.preprocessing.DatasetMetadata;
import io.sparkinception.trainer.training.TimeBudget;
import io.sparkinception.trainer.training.TrainConfig;
import io.sparkinception.trainer.training.TrainPreflight;
import io.sparkinception.trainer.models.ModelFamily;
import io.sparkinception.trainer.models.ModelSpec;
import java.util.List;
import java.util.Map;

/**
 * Settings of an {@code ensemble} run (namespace {@code spark-inception.ensemble}, documented in trainer's
 * reference.conf). The training settings every member shares are a separate {@code TrainConfig}.
 *
 * @param members     number of members (the paper: 7)
 * @param wideMembers how many of them (the last ones) use {@code wideWidth}
 * @param wideWidth   factor on the train width for the wide members (the paper had one wider model)
 * @param families    empty: every member uses the train family; else member i uses families[i mod n]
 * @param concurrent  members trained at the same time on the cluster
 * @param timeBudget  the wall-clock budget of all members together ({@code 2h}), or null
 * @param weights     how the members are weighted in the ensemble's average ({@code ensemble.json}'s weights)
 * @param budgetSplit how {@code timeBudget} is split among the members: equally, or in proportion to their cost
 * @param trunkShare  with {@code memberInit = trunk}: the fraction of {@code timeBudget} the shared trunk trains for
 */
public record EnsembleConfig(String data, String output, int members, int wideMembers, double wideWidth,
                             List<ModelFamily> families, int concurrent, MemberInit memberInit, String timeBudget, Weighting weights,
                             BudgetSplit budgetSplit, double trunkShare, String rendered) {
    public static final String NAMESPACE = "spark-inception.ensemble";

    public EnsembleConfig {
        require(data != null && !data.isBlank(), "--data is required: the output directory of preprocess");
        require(output != null && !output.isBlank(), "--output is required: the directory for the members and ensemble.json");
        require(members >= 1 && members <= 64, "--members must be in 1..64, got " + members);
        require(wideMembers >= 0 && wideMembers <= members, "--wide-members must be in 0..--members (" + members + "), got "
                + wideMembers);
        require(wideWidth > 0 && Double.isFinite(wideWidth), "--wide-width must be > 0, got " + wideWidth);
        require(concurrent >= 1, "--concurrent must be >= 1, got " + concurrent);
        require(memberInit != null, "--member-init must be shared, distinct or trunk");
        timeBudget = timeBudget == null || timeBudget.isBlank() ? null : timeBudget.trim();
        TimeBudget.parse(timeBudget, TimeBudget.CALIBRATION_ROUNDS);
        require(weights != null, "--weights must be uniform or val-loss");
        require(budgetSplit != null, "--budget-split must be equal or cost");
        require(trunkShare > 0 && trunkShare < 1, "--trunk-share must be in (0, 1), got " + trunkShare);
        require(memberInit != MemberInit.TRUNK || timeBudget != null, "--member-init trunk trains the trunk for"
                + " --trunk-share of the ensemble's --time-budget: set --time-budget");
        require(memberInit != MemberInit.TRUNK || wideMembers < members, "--member-init trunk starts the members of the"
                + " train width from the trunk, and all " + members + " members are wide: lower --wide-members");
        families = List.copyOf(families);
    }

    /**
     * The checks of the members against the data, before any Spark job: every member's width (the wide ones are
     * {@code --width x --wide-width}) and family fit, and each member's training settings pass
     * {@link TrainPreflight#check}. Pure: a function of the settings and the data's metadata.
     */
    public void check(TrainConfig base, DatasetMetadata metadata, String dataDir) {
        if (timeBudget != null && base.timeBudget() != null) {
            throw new IllegalArgumentException("time-budget is set for the ensemble (" + timeBudget + ", all members) and"
                    + " for train (" + base.timeBudget() + ", each member): set one of them");
        }
        if (weights == Weighting.VAL_LOSS && metadata.counts().perSplit().getOrDefault("val", 0L) == 0) {
            throw new IllegalArgumentException("--weights val-loss fits the member weights on the data's val/ split, but "
                    + dataDir + " has no val examples; preprocess with a val split (preprocess --val-fraction) or use"
                    + " --weights uniform");
        }
        double widest = wideMembers > 0 ? base.width() * wideWidth : base.width();
        if (widest > ModelSpec.MAX_WIDTH_MULTIPLIER) {
            throw new IllegalArgumentException("--wide-width " + wideWidth + " makes the wide members " + widest
                    + " wide (--width " + base.width() + " x --wide-width " + wideWidth + "); the largest width is "
                    + ModelSpec.MAX_WIDTH_MULTIPLIER);
        }
        for (EnsembleMember m : EnsembleMember.plan(this, base)) {
            TrainConfig member = m.trainConfig(base, base.data(), base.output() + "/" + m.name(), false);
            try {
                TrainPreflight.check(member, metadata, dataDir);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(m.name() + " (" + m.family() + "): " + e.getMessage(), e);
            }
        }
    }

    /** The budget of all members together, or null. */
    public TimeBudget budget() {
        return TimeBudget.parse(timeBudget, TimeBudget.CALIBRATION_ROUNDS);
    }

    /**
     * How members are initialized: {@code shared}, the paper's setting (one initialization; members differ in sampling
     * and data order only, which the paper calls an oversight), {@code distinct} (each member its own initialization
     * seed as well), or {@code trunk} (one run, the trunk, trains first for {@code trunk-share} of the time budget;
     * every member then starts from the trunk's model with its own sampling, data order and a fresh schedule; wide
     * members start from the trunk widened, computing its outputs at their start ({@code Widening}; from their own
     * initialization when {@code wide-width} is below 1)).
     */
    public enum MemberInit {
        SHARED, DISTINCT, TRUNK;

        public static MemberInit of(String value) {
            return named(MemberInit.class, "--member-init", value);
        }
    }

    /**
     * How the members are weighted in the ensemble's average: {@code uniform} (the paper) or {@code val-loss} (the
     * weights that minimise the log loss of the weighted average on the data's val split, {@link MixtureWeights}).
     */
    public enum Weighting {
        UNIFORM("uniform"), VAL_LOSS("val-loss");

        private final String id;

        Weighting(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public static Weighting of(String value) {
            for (Weighting w : values()) {
                if (w.id.equalsIgnoreCase(value == null ? "" : value.trim())) {
                    return w;
                }
            }
            throw new IllegalArgumentException("--weights must be uniform or val-loss, got '" + value + "'");
        }
    }

    /**
     * How an ensemble's {@code time-budget} is split among its members: {@code equal} (every member the same minutes of
     * what is left) or {@code cost} (minutes in proportion to each member's multiply-adds per image, so a wider member
     * trains about as many epochs as the others instead of fewer).
     */
    public enum BudgetSplit {
        EQUAL, COST;

        public static BudgetSplit of(String value) {
            return named(BudgetSplit.class, "--budget-split", value);
        }
    }

    /** The constant of {@code type} named {@code value} (any case), or an error naming {@code flag} and the choices. */
    private static <E extends Enum<E>> E named(Class<E> type, String flag, String value) {
        String wanted = value == null ? "" : value.trim();
        java.util.List<String> choices = new java.util.ArrayList<>();
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(wanted)) {
                return e;
            }
            choices.add(e.name().toLowerCase(java.util.Locale.ROOT));
        }
        throw new IllegalArgumentException(flag + " must be " + String.join(" or ", choices) + ", got '" + value + "'");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public static EnsembleConfig load(String configFile, Map<String, String> overrides) {
        Config c = Settings.load(NAMESPACE, configFile, overrides);
        try {
            String fams = c.getString("families").trim();
            List<ModelFamily> families = fams.isEmpty() ? List.of()
                    : java.util.Arrays.stream(fams.split(",")).map(String::trim).map(ModelFamily::of).toList();
            return new EnsembleConfig(c.getString("data"), c.getString("output"), c.getInt("members"),
                    c.getInt("wide-members"), c.getDouble("wide-width"), families, c.getInt("concurrent"),
                    MemberInit.of(c.getString("member-init")),
                    c.hasPath("time-budget") ? c.getString("time-budget") : null,
                    Weighting.of(c.getString("weights")), BudgetSplit.of(c.getString("budget-split")),
                    c.getDouble("trunk-share"), c.root().render(ConfigRenderOptions.defaults().setOriginComments(false).setJson(false)));
        } catch (ConfigException e) {
            throw new IllegalArgumentException("bad setting: " + e.getMessage(), e);
        }
    }
}
