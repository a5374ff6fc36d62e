package io.sparkinception.trainer.ensemble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.preprocessing.DatasetMetadata;
import io.sparkinception.trainer.models.ModelReports;
import io.sparkinception.trainer.training.DistributedTrainer;
import io.sparkinception.trainer.training.TrainConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code ensemble --budget-split}: parsed, defaulted, and the members' costs from their multiply-adds. */
class MemberCostsTest {
    private static final TrainConfig BASE = TrainConfig.load(null, Map.of("data", "/d", "output", "/o", "width", "0.5",
            "min-filters", "8", "workers", "1", "averaging-frequency", "1"));
    private static final DatasetMetadata DATA = EnsembleWeightsSettingTest.metadata(Map.of("train", 100L));

    private static EnsembleConfig ensemble(String split) {
        return EnsembleConfig.load(null, Map.of("data", "/d", "output", "/o", "members", "3", "wide-members", "1",
                "wide-width", "1.5", "budget-split", split));
    }

    @Test
    void costIsTheDefaultAndAnUnknownSplitIsRefused() {
        assertEquals(EnsembleConfig.BudgetSplit.COST,
                EnsembleConfig.load(null, Map.of("data", "/d", "output", "/o")).budgetSplit());
        assertEquals(EnsembleConfig.BudgetSplit.EQUAL, ensemble("EQUAL").budgetSplit());
        assertEquals("--budget-split must be equal or cost, got 'flops'",
                assertThrows(IllegalArgumentException.class, () -> ensemble("flops")).getMessage());
    }

    @Test
    void equalCostsOneEachAndCostWeighsTheWideMemberByItsMultiplyAdds() {
        List<EnsembleMember> plan = EnsembleMember.plan(ensemble("equal"), BASE);
        assertEquals(Map.of("member-1", 1.0, "member-2", 1.0, "member-3", 1.0),
                MemberCosts.of(plan, BASE, DATA, EnsembleConfig.BudgetSplit.EQUAL));

        Map<String, Double> costs = MemberCosts.of(plan, BASE, DATA, EnsembleConfig.BudgetSplit.COST);
        assertEquals(List.of("member-1", "member-2", "member-3"), List.copyOf(costs.keySet()));
        assertEquals(1.0, costs.get("member-1"));
        assertEquals(1.0, costs.get("member-2"));
        // The wide member (width 0.75 against 0.5): its own multiply-adds over the narrow ones', between 1.5x (the
        // multiplier) and 2.25x (its square, what a convolution between two widened layers costs).
        long narrow = ModelReports.describe(DistributedTrainer.architecture(
                plan.get(0).trainConfig(BASE, "/d", "/o/member-1", false), DATA)).forwardMultiplyAdds();
        long wide = ModelReports.describe(DistributedTrainer.architecture(
                plan.get(2).trainConfig(BASE, "/d", "/o/member-3", false), DATA)).forwardMultiplyAdds();
        assertEquals((double) wide / narrow, costs.get("member-3"), 1e-12);
        assertTrue(costs.get("member-3") > 1.5 && costs.get("member-3") < 2.25, costs.toString());
        assertEquals("member-1 1.00, member-2 1.00, member-3 " + String.format(java.util.Locale.ROOT, "%.2f",
                costs.get("member-3")), MemberCosts.describe(costs));
    }
}
