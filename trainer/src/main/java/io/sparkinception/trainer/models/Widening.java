package io.sparkinception.trainer.models;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Function-preserving widening (Net2WiderNet's idea with zero outgoing weights, Chen et al. 2016): the parameters of a
 * trained network copied into a wider network of the same topology (more channels in some or all layers) so that the
 * wider network computes exactly the narrower one's outputs before any training.
 *
 * <p>Every channel of the narrow network has a place in the wide one: a layer's own output channels are the first
 * ones of the wide layer, and a concatenation places each input's channels at that input's offset in the wide
 * concatenation. Each parameter is copied to those places; the wide network's extra output channels keep their fresh
 * initialization, and every weight that reads an extra channel (a convolution's or dense layer's input slice) is set
 * to 0, so the extra channels are computed but nothing reads them until training moves those weights off 0. Batch
 * norm is per channel, so the copied channels are normalized exactly as before, in training mode too.
 *
 * <p>Supported vertices: the layers of the batch-norm Inception families' graphs (convolution, batch norm and
 * {@link BatchNormRelu}, pooling, global pooling, activation, dropout, zero padding, dense and output layers, with a
 * CNN-to-dense flattening in between) and concatenation ({@link MergeVertex}). Anything else (a residual sum, local
 * response normalization) is refused with the vertex named. The output layer's classes must be equal.
 */
public final class Widening {
    private Widening() {
    }

    /** Where each channel of a vertex's narrow output lies in the wide one, and how many channels the wide one has. */
    private record ChannelMap(int[] toWide, int wideChannels) {
        static ChannelMap identity(int channels) {
            int[] m = new int[channels];
            for (int i = 0; i < channels; i++) {
                m[i] = i;
            }
            return new ChannelMap(m, channels);
        }

        static ChannelMap prefix(int narrow, int wide) {
            return new ChannelMap(identity(narrow).toWide, wide);
        }

        int narrowChannels() {
            return toWide.length;
        }
    }

    /**
     * Copies {@code narrow}'s parameters into {@code wide} (every parameter of {@code wide} is written), so that
     * {@code wide} computes {@code narrow}'s outputs.
     *
     * @throws IllegalArgumentException when the two graphs do not have the same vertices, a layer of {@code wide} is
     *                                  narrower than its counterpart, the classes differ, or a vertex is not supported
     */
    public static void copy(ComputationGraph narrow, ComputationGraph wide) {
        ComputationGraphConfiguration nc = narrow.getConfiguration();
        ComputationGraphConfiguration wc = wide.getConfiguration();
        if (!nc.getVertices().keySet().equals(wc.getVertices().keySet())
                || !nc.getVertexInputs().equals(wc.getVertexInputs())
                || !nc.getNetworkInputs().equals(wc.getNetworkInputs())) {
            throw new IllegalArgumentException("not the same network: the vertices or their connections differ");
        }
        Map<String, ChannelMap> maps = new HashMap<>();
        for (String input : nc.getNetworkInputs()) {
            maps.put(input, null);   // the image's channels: the same in both, the identity
        }
        for (String name : order(nc)) {
            if (maps.containsKey(name)) {
                continue;
            }
            List<String> inputs = nc.getVertexInputs().get(name);
            GraphVertex nv = nc.getVertices().get(name);
            GraphVertex wv = wc.getVertices().get(name);
            if (nv instanceof MergeVertex) {
                maps.put(name, concat(name, inputs, maps, narrow, wide));
            } else if (nv instanceof LayerVertex nl && wv instanceof LayerVertex wl) {
                if (inputs.size() != 1) {
                    throw new IllegalArgumentException("layer " + name + " has " + inputs.size() + " inputs");
                }
                ChannelMap in = maps.get(inputs.get(0));
                maps.put(name, layer(name, nl.getLayerConf().getLayer(), wl.getLayerConf().getLayer(), in, narrow, wide));
            } else {
                throw new IllegalArgumentException("cannot widen vertex " + name + " (" + nv.getClass().getSimpleName()
                        + "): only the layers of the batch-norm Inception families and concatenations are supported");
            }
        }
    }

    /** The vertices in an order where each comes after its inputs (Kahn's algorithm, ties in insertion order). */
    private static List<String> order(ComputationGraphConfiguration c) {
        Map<String, Integer> pending = new LinkedHashMap<>();
        Map<String, List<String>> consumers = new HashMap<>();
        for (String v : c.getNetworkInputs()) {
            pending.put(v, 0);
        }
        for (String v : c.getVertices().keySet()) {
            List<String> in = c.getVertexInputs().getOrDefault(v, List.of());
            pending.put(v, in.size());
            for (String i : in) {
                consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(v);
            }
        }
        Deque<String> ready = new ArrayDeque<>();
        pending.forEach((v, n) -> {
            if (n == 0) {
                ready.add(v);
            }
        });
        List<String> out = new ArrayList<>();
        while (!ready.isEmpty()) {
            String v = ready.poll();
            out.add(v);
            for (String c2 : consumers.getOrDefault(v, List.of())) {
                if (pending.merge(c2, -1, Integer::sum) == 0) {
                    ready.add(c2);
                }
            }
        }
        return out;
    }

    private static ChannelMap concat(String name, List<String> inputs, Map<String, ChannelMap> maps,
                                     ComputationGraph narrow, ComputationGraph wide) {
        List<Integer> toWide = new ArrayList<>();
        int offset = 0;
        for (String in : inputs) {
            ChannelMap m = maps.get(in);
            if (m == null) {
                throw new IllegalArgumentException("cannot widen vertex " + name + ": it concatenates the network input");
            }
            for (int c : m.toWide()) {
                toWide.add(offset + c);
            }
            offset += m.wideChannels();
        }
        return new ChannelMap(toWide.stream().mapToInt(Integer::intValue).toArray(), offset);
    }

    private static ChannelMap layer(String name, Layer nl, Layer wl, ChannelMap in, ComputationGraph narrow,
                                    ComputationGraph wide) {
        Map<String, INDArray> np = narrow.getLayer(name).paramTable();
        Map<String, INDArray> wp = wide.getLayer(name).paramTable();
        if (!np.keySet().equals(wp.keySet())) {
            throw new IllegalArgumentException("layer " + name + " has parameters " + np.keySet() + " in one network and "
                    + wp.keySet() + " in the other");
        }
        if (nl instanceof BatchNormalization) {
            for (Map.Entry<String, INDArray> e : np.entrySet()) {
                scatter(name, e.getKey(), flat(e.getValue()), wp.get(e.getKey()), in);
            }
            return in;
        }
        if (nl instanceof ConvolutionLayer && !(nl instanceof SubsamplingLayer)) {
            INDArray nw = np.get("W");
            INDArray ww = wp.get("W");
            requireAtLeast(name, "W", nw, ww);
            int nOut = (int) nw.size(0);
            int[] inMap = in == null ? ChannelMap.identity((int) nw.size(1)).toWide() : in.toWide();
            if (inMap.length != nw.size(1)) {
                throw new IllegalArgumentException("layer " + name + " reads " + nw.size(1) + " channels, its input has "
                        + inMap.length);
            }
            // Weights that read channels the narrow network does not have: 0. Then the narrow ones in place.
            zeroUnmapped(ww, 1, inMap, (int) ww.size(1));
            for (int i = 0; i < inMap.length; i++) {
                ww.get(NDArrayIndex.interval(0, nOut), NDArrayIndex.point(inMap[i]), NDArrayIndex.all(), NDArrayIndex.all())
                        .assign(nw.get(NDArrayIndex.all(), NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all()));
            }
            if (np.containsKey("b")) {
                prefix(name, "b", flat(np.get("b")), wp.get("b"));
            }
            return ChannelMap.prefix(nOut, (int) ww.size(0));
        }
        if (nl instanceof OutputLayer || nl instanceof DenseLayer) {
            INDArray nw = np.get("W");
            INDArray ww = wp.get("W");
            requireAtLeast(name, "W", nw, ww);
            int nIn = (int) nw.size(0);
            int nOut = (int) nw.size(1);
            if (nl instanceof OutputLayer && nOut != ww.size(1)) {
                throw new IllegalArgumentException("layer " + name + " has " + nOut + " classes in one network and "
                        + ww.size(1) + " in the other");
            }
            int[] rows = denseRows(name, in, nIn, (int) ww.size(0));
            zeroUnmapped(ww, 0, rows, (int) ww.size(0));
            for (int i = 0; i < rows.length; i++) {
                ww.get(NDArrayIndex.point(rows[i]), NDArrayIndex.interval(0, nOut))
                        .assign(nw.get(NDArrayIndex.point(i), NDArrayIndex.all()));
            }
            if (np.containsKey("b")) {
                prefix(name, "b", flat(np.get("b")), wp.get("b"));
            }
            return ChannelMap.prefix(nOut, (int) ww.size(1));
        }
        if (nl instanceof SubsamplingLayer || nl instanceof GlobalPoolingLayer || nl instanceof ActivationLayer
                || nl instanceof DropoutLayer || nl instanceof ZeroPaddingLayer) {
            if (!np.isEmpty()) {
                throw new IllegalArgumentException("layer " + name + " has parameters " + np.keySet());
            }
            return in;
        }
        throw new IllegalArgumentException("cannot widen layer " + name + " (" + nl.getClass().getSimpleName()
                + "): only the layers of the batch-norm Inception families are supported");
    }

    /**
     * The wide rows a dense layer's narrow input rows go to: the channel map itself, or, after a CNN's flattening
     * (channels x positions in C order), each channel's block of positions.
     */
    private static int[] denseRows(String name, ChannelMap in, int nIn, int wideIn) {
        if (in == null) {
            throw new IllegalArgumentException("cannot widen layer " + name + ": it reads the network input");
        }
        int channels = in.narrowChannels();
        if (nIn == channels) {
            return in.toWide();
        }
        if (nIn % channels != 0 || wideIn != (long) in.wideChannels() * (nIn / channels)) {
            throw new IllegalArgumentException("layer " + name + " reads " + nIn + " inputs from " + channels
                    + " channels");
        }
        int positions = nIn / channels;
        int[] rows = new int[nIn];
        for (int c = 0; c < channels; c++) {
            for (int s = 0; s < positions; s++) {
                rows[c * positions + s] = in.toWide()[c] * positions + s;
            }
        }
        return rows;
    }

    /** Sets to 0 the slices along {@code axis} of {@code w} whose index is not in {@code mapped}. */
    private static void zeroUnmapped(INDArray w, int axis, int[] mapped, int size) {
        boolean[] keep = new boolean[size];
        for (int i : mapped) {
            keep[i] = true;
        }
        for (int i = 0; i < size; i++) {
            if (!keep[i]) {
                if (w.rank() == 4) {
                    w.get(NDArrayIndex.all(), NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all()).assign(0);
                } else if (axis == 0) {
                    w.get(NDArrayIndex.point(i), NDArrayIndex.all()).assign(0);
                } else {
                    w.get(NDArrayIndex.all(), NDArrayIndex.point(i)).assign(0);
                }
            }
        }
    }

    /** Per-channel values ({@code [1, n]} or {@code [n]}) as a vector. */
    private static INDArray flat(INDArray a) {
        return a.reshape(a.length());
    }

    private static void scatter(String layer, String param, INDArray narrow, INDArray wide, ChannelMap in) {
        INDArray w = flat(wide);
        int[] map = in == null ? ChannelMap.identity((int) narrow.length()).toWide() : in.toWide();
        if (map.length != narrow.length()) {
            throw new IllegalArgumentException("layer " + layer + " " + param + " has " + narrow.length()
                    + " channels, its input " + map.length);
        }
        for (int i = 0; i < map.length; i++) {
            w.putScalar(map[i], narrow.getDouble(i));
        }
        wide.assign(w.reshape(wide.shape()));
    }

    private static void prefix(String layer, String param, INDArray narrow, INDArray wide) {
        INDArray w = flat(wide);
        if (w.length() < narrow.length()) {
            throw new IllegalArgumentException("layer " + layer + " " + param + " is narrower in the wide network");
        }
        w.get(NDArrayIndex.interval(0, narrow.length())).assign(narrow);
        wide.assign(w.reshape(wide.shape()));
    }

    private static void requireAtLeast(String layer, String param, INDArray narrow, INDArray wide) {
        long[] n = narrow.shape();
        long[] w = wide.shape();
        boolean ok = n.length == w.length;
        for (int i = 0; ok && i < n.length; i++) {
            ok = w[i] >= n[i];
        }
        if (!ok) {
            throw new IllegalArgumentException("layer " + layer + " " + param + " has shape " + Arrays.toString(n)
                    + " in the model and " + Arrays.toString(w) + " in the wider network: it cannot be widened into it");
        }
        for (int i = 2; i < n.length; i++) {
            if (n[i] != w[i]) {
                throw new IllegalArgumentException("layer " + layer + " " + param + " has kernel " + Arrays.toString(n)
                        + " in the model and " + Arrays.toString(w) + " in the wider network");
            }
        }
    }
}
