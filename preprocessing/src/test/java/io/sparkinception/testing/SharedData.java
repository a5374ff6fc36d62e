package io.sparkinception.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.opentest4j.TestAbortedException;

/**
 * Locates {@code ../shared/data} (the real GTSRB and BCCD images the end-to-end tests use) and decides what a
 * missing file means. On a user's clone, which has no {@code ../shared}, the test is skipped (a JUnit assumption)
 * and one line per test class says what was skipped and how to get the data. Under {@code CI=true} (which
 * {@code .ci/run} runs with) a missing file is a loud failure: CI always has the data, and a test that silently
 * skips there proves nothing. Every test that reads shared data goes through {@link #data(String)}.
 */
public final class SharedData {
    /** Test classes whose skip line was printed already (one line per class, not one per test). */
    private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();

    private SharedData() {
    }

    /** The shared folder: system property {@code spark.inception.shared} (set by surefire) or ../shared. */
    public static Path shared() {
        String prop = System.getProperty("spark.inception.shared");
        Path p = prop != null ? Path.of(prop) : Path.of("..", "shared");
        return p.toAbsolutePath().normalize();
    }

    /**
     * A path under {@code shared/data}. When it does not exist the calling test is skipped (one printed line per
     * test class), or fails when the environment variable {@code CI} is {@code true}.
     */
    public static Path data(String relative) {
        Path p = shared().resolve("data").resolve(relative);
        if (!Files.exists(p)) {
            missing(p, callerClass(), onCi());
        }
        return p;
    }

    /**
     * Skips the calling test (one printed line per test class), or fails it under {@code CI=true}, unless a tool
     * an end-to-end test needs is installed: {@code SharedData.requireTool(found, "chromium", "apt-get install
     * chromium")}.
     */
    public static void requireTool(boolean available, String tool, String install) {
        if (!available) {
            missing(tool + " is not installed (" + install + "; .ci/run installs it)", callerClass(), onCi());
        }
    }

    /** True when the environment variable {@code CI} is {@code true} (as {@code .ci/run} and most CI services set). */
    static boolean onCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /**
     * What a missing shared file means: an {@link AssertionError} on CI, else a {@link TestAbortedException}
     * (a skip) after printing one line for {@code testClass} (the first time only).
     */
    static void missing(Path file, String testClass, boolean ci) {
        missing("needs " + file + ", which does not exist. The end-to-end tests read the project's shared test images"
                + " (a GTSRB subset and BCCD; the repository does not ship them) from ../shared/data beside the"
                + " repository: put the project's shared/ folder there or set -Dspark.inception.shared=/path/to/shared"
                + " (docs/testing.md)", testClass, ci);
    }

    private static void missing(String what, String testClass, boolean ci) {
        if (ci) {
            throw new AssertionError("a prerequisite is missing under CI=true: " + testClass + ": " + what + ".");
        }
        if (REPORTED.add(testClass)) {
            System.out.println("SKIPPED " + testClass + ": " + what + " (under CI=true this is a failure).");
        }
        throw new TestAbortedException(what);
    }

    /**
     * The test class that asked: the first caller named *Test or *IT (outermost class, for nested classes and
     * lambdas), else the first caller outside this class (a helper such as a browser wrapper).
     */
    private static String callerClass() {
        List<Class<?>> callers = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
                .walk(frames -> frames.map(StackWalker.StackFrame::getDeclaringClass)
                        .filter(c -> c != SharedData.class).map(SharedData::outermost).toList());
        return callers.stream().filter(c -> c.getSimpleName().endsWith("Test") || c.getSimpleName().endsWith("IT"))
                .findFirst().or(() -> callers.stream().findFirst()).map(Class::getSimpleName).orElse("?");
    }

    private static Class<?> outermost(Class<?> c) {
        Class<?> out = c;
        while (out.getEnclosingClass() != null) {
            out = out.getEnclosingClass();
        }
        return out;
    }

    /** The repository root (system property {@code spark.inception.root}, set by surefire/failsafe). */
    public static Path repoRoot() {
        String prop = System.getProperty("spark.inception.root");
        return (prop != null ? Path.of(prop) : Path.of("..")).toAbsolutePath().normalize();
    }
}
