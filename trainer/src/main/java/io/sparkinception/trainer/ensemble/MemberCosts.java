package io.sparkinception.trainer.ensemble;

import io.sparkinception.preprocessing.DatasetMetadata;
import io.sparkinception.trainer.models.ModelReports;
import io.sparkinception.trainer.training.DistributedTrainer;
import io.sparkinception.trainer.training.TrainConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The members' relative costs per image, for splitting an ensemble's time budget ({@link MemberBudgets}): with
 * {@code budget-split = cost}, each member's forward multiply-adds per image (from its configuration, nothing
 * allocated) over the cheapest member's; with {@code equal}, 1 for every member. Multiply-adds overstate the cost of
 * a wider member a little: a round also pays per-layer and per-step costs that do not grow with the width.
 */
final class MemberCosts {
    private MemberCosts() {
    }

    /** Member name to relative cost (the cheapest 1.0), in the members' order. */
    static Map<String, Double> of(List<EnsembleMember> members, TrainConfig base, DatasetMetadata metadata,
                                  EnsembleConfig.BudgetSplit split) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (split == EnsembleConfig.BudgetSplit.EQUAL) {
            members.forEach(m -> out.put(m.name(), 1.0));
            return out;
        }
        Map<String, Long> madds = new LinkedHashMap<>();
        Map<String, Long> byShape = new LinkedHashMap<>();
        for (EnsembleMember m : members) {
            TrainConfig cfg = m.trainConfig(base, base.data(), base.output() + "/" + m.name(), false);
            String shape = m.family() + "@" + m.width();
            madds.put(m.name(), byShape.computeIfAbsent(shape, k -> ModelReports.describe(
                    DistributedTrainer.architecture(cfg, metadata)).forwardMultiplyAdds()));
        }
        long cheapest = madds.values().stream().mapToLong(Long::longValue).min().orElse(1);
        madds.forEach((name, n) -> out.put(name, (double) n / cheapest));
        return out;
    }

    /** {@code member-1 1.00, ..., member-7 1.42}. */
    static String describe(Map<String, Double> costs) {
        List<String> parts = new ArrayList<>();
        costs.forEach((name, c) -> parts.add(String.format(Locale.ROOT, "%s %.2f", name, c)));
        return String.join(", ", parts);
    }
}
