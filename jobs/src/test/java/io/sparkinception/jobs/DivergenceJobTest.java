package io.sparkinception.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.testing.TestImages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A diverged run through the command line, on generated data: {@code train} exits 1 with one line naming the
 * round and the loss; {@code ensemble} fails with the member's name and writes no manifest.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DivergenceJobTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private Path root;

    private int run(String... args) {
        out.reset();
        err.reset();
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String firstErrorLine() {
        return err.toString(StandardCharsets.UTF_8).lines().findFirst().orElse("");
    }

    @BeforeAll
    void prepare(@TempDir Path dir) throws Exception {
        System.setProperty("spark.master", "local[2]");
        root = dir;
        Random r = new Random(5);
        StringBuilder csv = new StringBuilder("path,label,xmin,ymin,xmax,ymax\n");
        String[] labels = {"red", "green", "blue"};
        for (int c = 0; c < labels.length; c++) {
            for (int i = 0; i < 24; i++) {
                BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < 28; y++) {
                    for (int x = 0; x < 28; x++) {
                        int[] rgb = {r.nextInt(80), r.nextInt(80), r.nextInt(80)};
                        rgb[c] += 120;
                        img.setRGB(x, y, rgb[0] << 16 | rgb[1] << 8 | rgb[2]);
                    }
                }
                String name = "img/" + labels[c] + "-" + i + ".png";
                TestImages.writePng(dir.resolve(name), img);
                csv.append(name).append(',').append(labels[c]).append(",1,1,26,26\n");
            }
        }
        Files.writeString(dir.resolve("boxes.csv"), csv.toString());
        assertEquals(0, run("preprocess", "--format", "csv", "--input", dir.resolve("boxes.csv").toString(), "--output",
                dir.resolve("prep").toString(), "--image-size", "24", "--storage", "float32"), err.toString(StandardCharsets.UTF_8));
    }

    @AfterAll
    void clear() {
        System.clearProperty("spark.master");
    }

    private String[] trainFlags(String command, String output, String... more) {
        String[] base = {command, "--data", root.resolve("prep").toString(), "--output", root.resolve(output).toString(),
            "--width", "0.25", "--min-filters", "8", "--workers", "2", "--batch-size-per-worker", "4",
            "--averaging-frequency", "1", "--epochs", "1", "--max-rounds", "6", "--recipe", "sgd-momentum",
            "--learning-rate", "1e6", "--validate-every-epochs", "0", "--checkpoint-every", "1"};
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void aDivergedTrainExitsOneNamingTheRoundAndTheLoss() {
        assertEquals(1, run(trainFlags("train", "train")));
        String line = firstErrorLine();
        assertTrue(line.matches("error: train failed: round \\d+ diverged: loss NaN.*"), line);
        assertTrue(line.contains("last good checkpoint stays checkpoints/latest"), line);
        assertFalse(Files.exists(root.resolve("train/summary.json")));
    }

    @Test
    void anEnsembleWithADivergedMemberFailsAndWritesNoManifest() {
        assertEquals(1, run(trainFlags("ensemble", "ens", "--members", "2", "--wide-members", "0")));
        String line = firstErrorLine();
        assertTrue(line.matches("error: ensemble failed: member-1 failed: round \\d+ diverged: loss NaN.*"), line);
        assertFalse(Files.exists(root.resolve("ens/ensemble.json")));
        assertFalse(Files.exists(root.resolve("ens/member-1/summary.json")), "never a finished member");
        // A rerun does not take the diverged member for a finished one: it resumes it and fails again.
        assertEquals(1, run(trainFlags("ensemble", "ens", "--members", "2", "--wide-members", "0")));
        assertTrue(firstErrorLine().contains("member-1 failed"), firstErrorLine());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("resuming"), out.toString(StandardCharsets.UTF_8));
    }
}
