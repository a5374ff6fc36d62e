package io.sparkinception.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.trainer.ensemble.EnsembleConfig;
import io.sparkinception.trainer.training.TrainConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The flag grammar of every command: --key value, --key=value, bare booleans, --config, --help. */
class ArgumentsTest {
    private static final List<String> ENSEMBLE = List.of(EnsembleConfig.NAMESPACE, TrainConfig.NAMESPACE);

    @Test
    void flagsConfigAndBareBooleans() {
        Arguments a = Arguments.parse(new String[] {"--config", "e.conf", "--members=3", "--epochs", "2", "--resume",
            "--help"}, ENSEMBLE);
        assertEquals("e.conf", a.configFile());
        assertEquals(Map.of("members", "3", "epochs", "2", "resume", "true"), a.overrides());
        assertTrue(a.help());
    }

    @Test
    void aCommandWithTwoNamespacesSplitsItsFlagsBetweenThem() {
        Arguments a = Arguments.parse(new String[] {"--members", "3", "--data", "d", "--epochs", "2"}, ENSEMBLE);
        assertEquals(Map.of("members", "3", "data", "d"), a.overridesIn(EnsembleConfig.NAMESPACE),
                "data is a key of both: the ensemble's");
        assertEquals(Map.of("epochs", "2"), a.overridesNotIn(EnsembleConfig.NAMESPACE));
    }

    @Test
    void unknownFlagsAndMissingValuesAreErrors() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Arguments.parse(new String[] {"--membres", "3"},
                ENSEMBLE)).getMessage().startsWith("unknown flag --membres (known: "));
        assertEquals("flag --epochs needs a value", assertThrows(IllegalArgumentException.class,
                () -> Arguments.parse(new String[] {"--epochs"}, ENSEMBLE)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Arguments.parse(new String[] {"members"},
                ENSEMBLE)).getMessage().startsWith("unexpected argument 'members'"));
    }
}
