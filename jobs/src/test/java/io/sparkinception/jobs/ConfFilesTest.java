package io.sparkinception.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.preprocessing.PreprocessConfig;
import io.sparkinception.testing.SharedData;
import io.sparkinception.trainer.training.TrainConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every HOCON file users copy from conf/ loads and validates (no unknown keys, no bad values). */
class ConfFilesTest {

    private static List<Path> confs(String prefix) throws Exception {
        try (Stream<Path> s = Files.list(SharedData.repoRoot().resolve("conf"))) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix) && p.toString().endsWith(".conf")).sorted().toList();
        }
    }

    @Test
    void trainConfigsLoad() throws Exception {
        List<Path> files = confs("train-");
        assertTrue(files.size() >= 5, "one train config per family: " + files);
        for (Path f : files) {
            TrainConfig c = TrainConfig.load(f.toString(), Map.of("data", "d", "output", "o"));
            assertTrue(f.getFileName().toString().contains(c.family().id().replace("googlenet", "g"))
                    || f.getFileName().toString().contains("gtsrb"), f + " trains " + c.family().id());
        }
    }

    @Test
    void ensembleConfigsLoadBothSections() throws Exception {
        List<Path> files = confs("ensemble-");
        assertEquals(3, files.size());
        for (Path f : files) {
            io.sparkinception.trainer.ensemble.EnsembleConfig e = io.sparkinception.trainer.ensemble.EnsembleConfig.load(
                    f.toString(), Map.of("data", "d", "output", "o"));
            assertEquals(7, e.members());
            TrainConfig t = TrainConfig.load(f.toString(), Map.of("data", "d", "output", "o"));
            assertEquals(0.5, t.width());
            // ensemble refuses a time budget in both sections (each member's and all members').
            assertTrue(e.timeBudget() == null || t.timeBudget() == null, f + " sets time-budget in both sections");
        }
    }

    @Test
    void preprocessConfigsLoadAndPointAtTheSharedData() throws Exception {
        List<Path> files = confs("preprocess-");
        assertEquals(2, files.size());
        for (Path f : files) {
            PreprocessConfig c = PreprocessConfig.load(f.toString(), Map.of());
            // Relative to the repository root, as the README runs them, and into ../shared/data (which a user's
            // clone may lack: SharedData skips this there, and fails under CI=true).
            Path input = SharedData.repoRoot().resolve(c.source().input()).normalize();
            Path sharedData = SharedData.repoRoot().resolve("../shared/data").normalize();
            assertTrue(input.startsWith(sharedData), f + " reads " + input + ", not the shared data");
            SharedData.data(sharedData.relativize(input).toString());
        }
    }
}
