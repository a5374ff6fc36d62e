package io.sparkinception.trainer.ensemble;

import io.sparkinception.trainer.training.Seeds;
import io.sparkinception.trainer.training.TrainConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One member of an ensemble: its name, directory and the settings that make it differ from the others. Pure:
 * member i of an ensemble is a function of the ensemble settings, the shared training settings and i.
 */
public record EnsembleMember(int index, String name, String family, double width, long seed, long samplingSeed) {

    /** The members of an ensemble, in order (1-based names {@code member-1} ...). */
    public static List<EnsembleMember> plan(EnsembleConfig e, TrainConfig base) {
        java.util.ArrayList<EnsembleMember> out = new java.util.ArrayList<>();
        for (int i = 0; i < e.members(); i++) {
            String family = e.families().isEmpty() ? base.family().id() : e.families().get(i % e.families().size()).id();
            boolean wide = i >= e.members() - e.wideMembers();
            // A distinct, non-negative sampling seed per member; the initialization seed shared (the paper) or distinct.
            long sampling = Seeds.mix(base.seed(), 0x5EED, i) & Long.MAX_VALUE;
            // With a trunk the members of the train width start from its model; the seed still drives their dropout.
            long init = e.memberInit() == EnsembleConfig.MemberInit.SHARED ? base.seed()
                    : Seeds.mix(base.seed(), 0x1417, i) & Long.MAX_VALUE;
            out.add(new EnsembleMember(i + 1, "member-" + (i + 1), family, wide ? base.width() * e.wideWidth() : base.width(),
                    init, sampling));
        }
        return out;
    }

    /** The training settings of this member. */
    public TrainConfig trainConfig(TrainConfig base, String data, String dir, boolean resume) {
        return trainConfig(base, data, dir, resume, null);
    }

    /** The training settings of this member, with its share of the ensemble's time budget ({@code 8m34s}) or null. */
    public TrainConfig trainConfig(TrainConfig base, String data, String dir, boolean resume, String timeBudget) {
        return trainConfig(base, data, dir, resume, timeBudget, null);
    }

    /**
     * As {@link #trainConfig(TrainConfig, String, String, boolean, String)}, starting from {@code initModel} (the
     * trunk's model.zip) unless it is null.
     */
    public TrainConfig trainConfig(TrainConfig base, String data, String dir, boolean resume, String timeBudget,
                                   String initModel) {
        Map<String, String> o = new LinkedHashMap<>();
        if (timeBudget != null) {
            o.put("time-budget", timeBudget);
        }
        if (initModel != null) {
            o.put("init-model", initModel);
        }
        o.put("data", data);
        o.put("output", dir);
        o.put("family", family);
        o.put("width", Double.toString(width));
        o.put("seed", Long.toString(seed));
        o.put("sampling-seed", Long.toString(samplingSeed));
        o.put("resume", Boolean.toString(resume));
        return base.with(o);
    }
}
