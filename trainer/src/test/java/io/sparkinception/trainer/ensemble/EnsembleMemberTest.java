package io.sparkinception.trainer.ensemble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.trainer.training.TrainConfig;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EnsembleMemberTest {
    private static final TrainConfig BASE = TrainConfig.load(null, Map.of("data", "/d", "output", "/o", "width", "0.5",
            "seed", "9"));

    @Test
    void sevenMembersShareTheInitializationAndDifferInSamplingOneIsWider() {
        EnsembleConfig e = EnsembleConfig.load(null, Map.of("data", "/d", "output", "/o"));
        List<EnsembleMember> plan = EnsembleMember.plan(e, BASE);
        assertEquals(7, plan.size());
        Set<Long> sampling = new HashSet<>();
        for (EnsembleMember m : plan) {
            assertEquals(9, m.seed());
            assertTrue(m.samplingSeed() >= 0);
            sampling.add(m.samplingSeed());
            assertEquals("member-" + m.index(), m.name());
            assertEquals("googlenet", m.family());
        }
        assertEquals(7, sampling.size());
        for (int i = 0; i < 6; i++) {
            assertEquals(0.5, plan.get(i).width());
        }
        assertEquals(0.625, plan.get(6).width(), 1e-12);
        // Deterministic: the same settings plan the same members.
        assertEquals(plan, EnsembleMember.plan(e, BASE));
    }

    @Test
    void distinctMemberInitGivesEachMemberItsOwnInitializationSeedAndKeepsTheSampling() {
        EnsembleConfig shared = EnsembleConfig.load(null, Map.of("data", "/d", "output", "/o"));
        EnsembleConfig distinct = EnsembleConfig.load(null, Map.of("data", "/d", "output", "/o", "member-init", "Distinct"));
        List<EnsembleMember> a = EnsembleMember.plan(shared, BASE);
        List<EnsembleMember> b = EnsembleMember.plan(distinct, BASE);
        Set<Long> inits = new HashSet<>();
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).samplingSeed(), b.get(i).samplingSeed());
            assertTrue(b.get(i).seed() >= 0);
            inits.add(b.get(i).seed());
            assertEquals(Long.toString(b.get(i).seed()),
                    Long.toString(b.get(i).trainConfig(BASE, "/d", "/o/m", false).seed()));
        }
        assertEquals(7, inits.size());
        assertEquals("--member-init must be shared or distinct or trunk, got 'random'", assertThrows(IllegalArgumentException.class,
                () -> EnsembleConfig.load(null, Map.of("data", "/d", "output", "/o", "member-init", "random"))).getMessage());
    }

    @Test
    void trunkMembersStartFromTheTrunksModelAndNeedABudgetToShare() {
        EnsembleConfig trunk = EnsembleConfig.load(null, Map.of("data", "/d", "output", "/o", "member-init", "trunk",
                "time-budget", "60m", "trunk-share", "0.4"));
        assertEquals(EnsembleConfig.MemberInit.TRUNK, trunk.memberInit());
        assertEquals(0.4, trunk.trunkShare());
        EnsembleMember m = EnsembleMember.plan(trunk, BASE).get(0);
        TrainConfig c = m.trainConfig(BASE, "/d", "/o/member-1", false, "5m", "/o/trunk/model.zip");
        assertEquals("/o/trunk/model.zip", c.initModel());
        assertEquals("5m", c.timeBudget());
        assertEquals(m.samplingSeed(), c.effectiveSamplingSeed());
        assertEquals("", m.trainConfig(BASE, "/d", "/o/member-1", false, "5m").initModel());

        IllegalArgumentException noBudget = assertThrows(IllegalArgumentException.class, () -> EnsembleConfig.load(null,
                Map.of("data", "/d", "output", "/o", "member-init", "trunk")));
        assertTrue(noBudget.getMessage().contains("set --time-budget"), noBudget.getMessage());
        IllegalArgumentException allWide = assertThrows(IllegalArgumentException.class, () -> EnsembleConfig.load(null,
                Map.of("data", "/d", "output", "/o", "member-init", "trunk", "time-budget", "1h", "members", "2",
                        "wide-members", "2")));
        assertTrue(allWide.getMessage().contains("lower --wide-members"), allWide.getMessage());
        for (String share : List.of("0", "1", "1.5", "-0.2")) {
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> EnsembleConfig.load(null,
                    Map.of("data", "/d", "output", "/o", "trunk-share", share)));
            assertTrue(bad.getMessage().startsWith("--trunk-share must be in (0, 1)"), bad.getMessage());
        }
    }

    @Test
    void familiesAreAssignedRoundRobin() {
        EnsembleConfig e = EnsembleConfig.load(null, Map.of("data", "/d", "output", "/o", "members", "3",
                "wide-members", "0", "families", "inception-v3, inception-resnet-v2"));
        List<EnsembleMember> plan = EnsembleMember.plan(e, BASE);
        assertEquals(List.of("inception-v3", "inception-resnet-v2", "inception-v3"),
                plan.stream().map(EnsembleMember::family).toList());
    }

    @Test
    void memberConfigOverridesOnlyWhatMakesItDiffer() {
        EnsembleMember m = EnsembleMember.plan(EnsembleConfig.load(null, Map.of("data", "/d", "output", "/o")), BASE).get(6);
        TrainConfig c = m.trainConfig(BASE, "/data", "/o/member-7", true);
        assertEquals("/o/member-7", c.output());
        assertEquals("/data", c.data());
        assertEquals(0.625, c.width(), 1e-12);
        assertEquals(9, c.seed());
        assertEquals(m.samplingSeed(), c.effectiveSamplingSeed());
        assertTrue(c.resume());
        assertEquals(BASE.epochs(), c.epochs());
        assertEquals(BASE.augmentation(), c.augmentation());
        assertEquals(BASE.batchSizePerWorker(), c.batchSizePerWorker());
    }

    @Test
    void badSettingsAreClearErrors() {
        assertThrows(IllegalArgumentException.class, () -> EnsembleConfig.load(null, Map.of("data", "/d", "output", "/o",
                "members", "0")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EnsembleConfig.load(null,
                Map.of("data", "/d", "output", "/o", "families", "googlenet,resnet")));
        assertTrue(e.getMessage().contains("resnet"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EnsembleConfig.load(null, Map.of("data", "/d", "output", "/o",
                "wide-members", "8")));
        assertThrows(IllegalArgumentException.class, () -> BASE.with(Map.of("no-such-key", "1")));
        assertThrows(IllegalArgumentException.class, () -> BASE.with(Map.of("sampling-seed", "-5")));
    }
}
