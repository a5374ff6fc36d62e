import io.sparkinception.trainer.kernels.*;
import io.sparkinception.trainer.models.*;
import java.nio.file.*;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What a single-process GoogLeNet training step holds (BENCHMARKS.md, "Batch norm and ReLU in one layer"): after each
 * ComputationGraph.fit on a fixed random batch (oneDNN, aux heads, 43 classes), DL4J's workspaces by name (only those
 * holding memory), the JVM heap, and VmRSS/VmHWM of the process. Run with the shaded jar and Spark's jars:
 *   OMP_NUM_THREADS=1 java -Xmx2g -cp "jobs/target/spark-inception.jar:jobs/spark-home/target/spark-home/jars/*" \
 *       docs/bench/WorkspaceMemory.java 224 32 3
 */
public class WorkspaceMemory {
    public static void main(String[] a) throws Exception {
        int size = Integer.parseInt(a[0]), batch = Integer.parseInt(a[1]), steps = Integer.parseInt(a[2]);
        ModelSpec spec = ModelSpec.defaults(ModelFamily.GOOGLENET, 43).withInputSize(size);
        ComputationGraph g = KernelRuntime.build(Kernels.ONEDNN, () -> InceptionZoo.build(spec));
        System.out.println("after init: " + rss());
        Nd4j.getRandom().setSeed(1);
        INDArray x = Nd4j.rand(DataType.FLOAT, batch, 3, size, size);
        INDArray y = Nd4j.zeros(DataType.FLOAT, batch, 43);
        for (int i = 0; i < batch; i++) {
            y.putScalar(i, i % 43, 1);
        }
        var data = InceptionZoo.withLabelsForEveryOutput(g, x, y);
        for (int step = 1; step <= steps; step++) {
            g.fit(data);
            long total = 0;
            StringBuilder held = new StringBuilder();
            for (MemoryWorkspace ws : Nd4j.getWorkspaceManager().getAllWorkspacesForCurrentThread()) {
                if (ws.getCurrentSize() > 0) {
                    total += ws.getCurrentSize();
                    held.append(String.format("  %-22s %8.1f MB%n", ws.getId(), ws.getCurrentSize() / 1048576.0));
                }
            }
            Runtime rt = Runtime.getRuntime();
            System.out.printf("after step %d: workspaces %.1f MB, parameters %.1f MB, heap used %.0f MB; %s%n%s", step,
                    total / 1048576.0, g.numParams() * 4 / 1048576.0, (rt.totalMemory() - rt.freeMemory()) / 1048576.0,
                    rss(), held);
        }
        System.exit(0);
    }

    /** VmRSS and VmHWM of this process in MB (kB / 1024, as BenchProbe reports peak RSS). */
    static String rss() throws Exception {
        StringBuilder s = new StringBuilder();
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:") || line.startsWith("VmHWM:")) {
                String[] f = line.trim().split("\\s+");
                s.append(f[0]).append(' ').append(Long.parseLong(f[1]) / 1024).append(" MB ");
            }
        }
        return s.toString().trim();
    }
}
