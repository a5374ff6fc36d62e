package io.sparkinception.trainer.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.sparkinception.preprocessing.DatasetMetadata;
import io.sparkinception.preprocessing.ImageSource;
import io.sparkinception.preprocessing.annotations.SkipReason;
import io.sparkinception.common.HadoopFiles;
import io.sparkinception.testing.PngHeaders;
import io.sparkinception.testing.TestImages;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * predict reads images the way preprocess does (issue 11): confined to the images root, bounded in pixels. Every
 * image here is refused before decoding, so no model is needed: the members are never restored.
 */
class PredictReadsTest {
    @TempDir
    Path dir;

    @Test
    void predictReadsStayInsideTheRootAndBombsAreSkipped() throws Exception {
        Path root = dir.resolve("images");
        TestImages.writePng(root.resolve("good.png"), TestImages.gradient(12, 12));
        Path secret = TestImages.writePng(dir.resolve("secret.png"), TestImages.gradient(12, 12));
        Files.createSymbolicLink(root.resolve("link.png"), secret);
        Files.write(root.resolve("bomb.png"), PngHeaders.grayPng(20_000, 20_000, false));
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            server.configureBlocking(false);
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            Map<String, SkipReason> expected = new LinkedHashMap<>();
            expected.put(root + "/../secret.png", SkipReason.PATH_OUTSIDE_ROOT);
            expected.put("/etc/passwd", SkipReason.PATH_OUTSIDE_ROOT);
            expected.put("http://127.0.0.1:" + port + "/x.png", SkipReason.PATH_OUTSIDE_ROOT);
            expected.put(root + "/link.png", SkipReason.PATH_OUTSIDE_ROOT);
            expected.put(root + "/bomb.png", SkipReason.IMAGE_TOO_LARGE);
            List<PredictItem.ImageTask> tasks = new ArrayList<>();
            long seq = 0;
            for (String path : expected.keySet()) {
                tasks.add(new PredictItem.ImageTask(path, List.of(new PredictItem(seq++, path, path, path, null, null))));
            }
            PartitionPredictor predictor = new PartitionPredictor(new CropPreparer(spec()), ImageSource.under(root.toString()),
                    new PredictSettings(List.of(), 4, io.sparkinception.trainer.kernels.Kernels.ONEDNN));
            Iterator<PredictOutcome> it = predictor.predict(tasks.iterator(), List.of(), HadoopFiles.local());
            Map<String, SkipReason> actual = new LinkedHashMap<>();
            while (it.hasNext()) {
                PredictOutcome o = it.next();
                assertFalse(o.skipped().detail().isBlank());
                actual.put(o.path(), o.skipped().reason());
            }
            assertEquals(expected, actual);
            assertNull(server.accept(), "an image path made predict open a connection");
        }
    }

    private static DatasetMetadata.Spec spec() {
        return new DatasetMetadata.Spec(8, 3, "CHW", "float32", "bilinear", 0, false, false,
                new double[] {0, 0, 0}, new double[] {1, 1, 1}, 1);
    }
}
