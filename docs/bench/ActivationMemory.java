import io.sparkinception.trainer.models.*;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.graph.*;
import java.util.*;

/**
 * Forward activation memory per image of a zoo model, from its configuration's shape inference (nothing is allocated):
 * the sum of every vertex's output size, by layer type. Run with the shaded jar (BENCHMARKS.md, "Memory"):
 *   java -cp jobs/target/spark-inception.jar docs/bench/ActivationMemory.java googlenet 224
 */
public class ActivationMemory {
    public static void main(String[] a) {
        String fam = a[0]; int size = Integer.parseInt(a[1]);
        ModelSpec spec = ModelSpec.defaults(ModelFamily.of(fam), 43).withInputSize(size);
        ZooGraph zoo = InceptionZoo.configure(spec);
        Map<String, InputType> types = zoo.activationTypes();
        Map<String, Long> byKind = new TreeMap<>();
        Map<String, Integer> counts = new TreeMap<>();
        long total = 0;
        for (Map.Entry<String, GraphVertex> e : zoo.configuration().getVertices().entrySet()) {
            InputType t = types.get(e.getKey());
            if (t == null) continue;
            long n = t.arrayElementsPerExample();
            String kind = e.getValue() instanceof LayerVertex lv ? lv.getLayerConf().getLayer().getClass().getSimpleName()
                    : e.getValue().getClass().getSimpleName();
            byKind.merge(kind, n, Long::sum);
            counts.merge(kind, 1, Integer::sum);
            total += n;
        }
        System.out.printf("%s %d px: %d vertices' outputs, %.1f M floats per image = %.1f MB%n", fam, size, types.size(), total / 1e6, total * 4 / 1e6);
        byKind.forEach((k, v) -> System.out.printf("  %-28s x%3d %8.2f M floats %6.1f MB%n", k, counts.get(k), v / 1e6, v * 4 / 1e6));
    }
}
