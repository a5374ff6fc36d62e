package io.sparkinception.trainer.kernels;

import java.lang.reflect.Field;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.LayerHelper;

/**
 * Which kernels each layer type of a network runs on, e.g. {@code ConvolutionLayer: oneDNN x59}, so that no one is
 * fooled by a silent fallback. Layer types without any helper in DL4J (dense, output, dropout, global pooling) say
 * {@code built-in}; a layer whose helper threw and was dropped at run time says {@code built-in (oneDNN failed)}.
 *
 * @param requested the {@code kernels} setting
 * @param effective what this JVM could give (oneDNN falls back to built-in where unavailable)
 * @param layers    layer type (DL4J's runtime class) to kernel name to count, sorted
 */
public record KernelReport(String requested, String effective, Map<String, Map<String, Integer>> layers) {
    public static final String ONEDNN = "oneDNN";
    public static final String BUILTIN = "built-in";

    public KernelReport {
        Map<String, Map<String, Integer>> copy = new TreeMap<>();
        (layers == null ? Map.<String, Map<String, Integer>>of() : layers).forEach((k, v) -> copy.put(k, Map.copyOf(new TreeMap<>(v))));
        layers = java.util.Collections.unmodifiableMap(copy);
    }

    public static KernelReport of(ComputationGraph g, Kernels requested) {
        Map<String, Map<String, Integer>> layers = new TreeMap<>();
        for (Layer l : g.getLayers()) {
            layers.computeIfAbsent(l.getClass().getSimpleName(), k -> new TreeMap<>()).merge(kernelOf(l), 1, Integer::sum);
        }
        return new KernelReport(requested.id(), KernelRuntime.effective(requested).id(), layers);
    }

    /** The kernel a layer runs on: its helper's family, or built-in. */
    static String kernelOf(Layer l) {
        LayerHelper h = l.getHelper();
        if (h == null) {
            return BUILTIN;
        }
        String name = h.getClass().getSimpleName();
        String kind = name.startsWith("MKLDNN") ? ONEDNN : name;
        return helperFailures(l) > 0 ? BUILTIN + " (" + kind + " failed)" : kind;
    }

    /** DL4J's per-layer count of helper calls that threw (the layer then stops using its helper). */
    static int helperFailures(Layer l) {
        for (Class<?> c = l.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField("helperCountFail");
                f.setAccessible(true);
                return f.getInt(l);
            } catch (NoSuchFieldException e) {
                // look in the superclass
            } catch (ReflectiveOperationException | RuntimeException e) {
                return 0;
            }
        }
        return 0;
    }

    /** Layers of a type on a kernel (0 if none). */
    public int count(String layerType, String kernel) {
        return layers.getOrDefault(layerType, Map.of()).getOrDefault(kernel, 0);
    }

    /** One line: {@code BatchNormReluLayer: oneDNN x59; ConvolutionLayer: oneDNN x59; DenseLayer: built-in x3}. */
    public String summary() {
        return layers.entrySet().stream()
                .map(e -> e.getKey() + ": " + e.getValue().entrySet().stream()
                        .map(k -> k.getKey() + " \u00d7" + k.getValue()).collect(Collectors.joining(", ")))
                .collect(Collectors.joining("; "));
    }
}
