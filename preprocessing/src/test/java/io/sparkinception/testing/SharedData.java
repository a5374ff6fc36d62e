package io.sparkinception.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates {@code ../shared/data} (the real images the tests use). Missing data is a loud failure, never a skip:
 * CI always has it, and a test that silently skips proves nothing.
 */
public final class SharedData {
    private SharedData() {
    }

    /** The shared folder: system property {@code spark.inception.shared} (set by surefire) or ../shared. */
    public static Path shared() {
        String prop = System.getProperty("spark.inception.shared");
        Path p = prop != null ? Path.of(prop) : Path.of("..", "shared");
        return p.toAbsolutePath().normalize();
    }

    /** A path under {@code shared/data}, which must exist. */
    public static Path data(String relative) {
        Path p = shared().resolve("data").resolve(relative);
        if (!Files.exists(p)) {
            throw new AssertionError("shared test data missing: " + p + " does not exist. The tests need the"
                    + " project's ../shared/data folder (GTSRB and BCCD subsets) beside the repository; set"
                    + " -Dspark.inception.shared=/path/to/shared to point elsewhere.");
        }
        return p;
    }

    /** The repository root (system property {@code spark.inception.root}, set by surefire/failsafe). */
    public static Path repoRoot() {
        String prop = System.getProperty("spark.inception.root");
        return (prop != null ? Path.of(prop) : Path.of("..")).toAbsolutePath().normalize();
    }
}
