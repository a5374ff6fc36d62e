package io.sparkinception.trainer.report;

import io.sparkinception.testing.SharedData;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Debian's {@code chromium} headless on a local file. A missing browser skips the test on a user's machine
 * and fails it under {@code CI=true} ({@code .ci/run} installs it).
 */
final class HeadlessChromium {
    private static final long TIMEOUT_SECONDS = 90;
    private final Path executable;
    private final Path work;

    private HeadlessChromium(Path executable, Path work) {
        this.executable = executable;
        this.work = work;
    }

    /** The browser on PATH; {@code work} holds its profile and logs. */
    static HeadlessChromium find(Path work) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "chromium");
            if (Files.isExecutable(p)) {
                return new HeadlessChromium(p, work);
            }
        }
        // Skipped on a machine without it (one line per test class); a failure under CI=true.
        SharedData.requireTool(false, "chromium (on PATH, to render report.html headless)",
                "apt-get install -y chromium");
        throw new IllegalStateException("unreachable");
    }

    /** The DOM after the page loaded (and its load handlers ran), serialized. */
    String dumpDom(Path html) throws IOException, InterruptedException {
        Path out = run(List.of("--dump-dom", html.toUri().toString()), "dom");
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    /** A screenshot of the top {@code width} × {@code height} pixels of the page. */
    Path screenshot(Path html, int width, int height) throws IOException, InterruptedException {
        Path png = work.resolve("screenshot.png");
        run(List.of("--window-size=" + width + "," + height, "--screenshot=" + png, html.toUri().toString()), "screenshot");
        return png;
    }

    private Path run(List<String> args, String name) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(work, "profile-");
        List<String> cmd = new ArrayList<>(List.of(executable.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--user-data-dir=" + profile));
        cmd.addAll(args);
        Path stdout = work.resolve(name + ".out");
        Path stderr = work.resolve(name + ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in " + TIMEOUT_SECONDS + " s: " + cmd);
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("chromium exited with " + p.exitValue() + ": " + cmd + "\n" + Files.readString(stderr));
        }
        return stdout;
    }
}
