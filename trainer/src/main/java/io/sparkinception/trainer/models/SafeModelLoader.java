package io.sparkinception.trainer.models;

import io.sparkinception.trainer.kernels.KernelRuntime;
import io.sparkinception.trainer.kernels.Kernels;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The one way the project turns a model file (DL4J's {@code ModelSerializer} zip) into a {@link ComputationGraph}:
 * models, checkpoints, the Spark ML model and every executor-side restore go through here.
 *
 * <p>It reads the zip's entries itself instead of calling {@code ModelSerializer.restoreComputationGraph}, which
 * feeds the entry {@code preprocessor.bin} to an unfiltered {@code ObjectInputStream} (any class on the classpath
 * can be materialized: a deserialization gadget in a downloaded model runs on the driver and every executor).
 * Here no entry is ever Java-deserialized:
 * <ul>
 *   <li>{@code configuration.json}: the graph configuration (Jackson; its polymorphic types must be subtypes of
 *       DL4J's configuration classes, as DL4J itself requires);</li>
 *   <li>{@code coefficients.bin}, {@code updaterState.bin}: ND4J's binary array format, whose headers are checked
 *       against the configuration (element type, count, exact byte length) before ND4J allocates anything;</li>
 *   <li>any other entry, {@code preprocessor.bin} (a Java-serialized DataSetPreProcessor), {@code normalizer.bin}
 *       (a serialized normalizer) and {@code noParams.marker} included, makes the file refused: the project never
 *       writes them (it keeps its normalization in {@code metadata.json}) and never needs them.</li>
 * </ul>
 * A truncated, tampered or foreign file gives a {@link BadModelFile} (an {@link IllegalArgumentException}: exit code
 * 2 in the jobs) whose one-line message names the file and the cause.
 */
public final class SafeModelLoader {
    static final String CONFIGURATION = "configuration.json";
    static final String COEFFICIENTS = "coefficients.bin";
    static final String UPDATER = "updaterState.bin";
    /** The entries DL4J's writer produces for a model without a normalizer. */
    static final Set<String> KNOWN = Set.of(CONFIGURATION, COEFFICIENTS, UPDATER);
    /** A configuration larger than this is not one of ours (the largest zoo model's JSON is well below 1 MB). */
    static final int MAX_CONFIGURATION_BYTES = 64 << 20;

    private SafeModelLoader() {
    }

    /** A model file that cannot be loaded: its path and the cause, in one line. */
    public static final class BadModelFile extends IllegalArgumentException {
        private final String path;

        BadModelFile(String path, String cause) {
            super("model file " + path + " cannot be loaded: " + cause.replace('\n', ' '));
            this.path = path;
        }

        public String path() {
            return path;
        }
    }

    /** What a model file holds, checked but not yet turned into a network (no ND4J memory allocated). */
    public record Contents(String path, ComputationGraphConfiguration configuration, long parameters,
                           DataType parameterType, byte[] coefficients, byte[] updaterState) {
    }

    /**
     * Checks a model file without building its network: the zip is complete, it holds only the entries DL4J's
     * writer produces, the configuration parses, and the coefficients have exactly the configuration's parameter
     * count. The driver calls this once per file before any Spark job starts.
     *
     * @param path where the bytes came from (for the message)
     * @throws BadModelFile naming {@code path} and the cause
     */
    public static Contents validate(String path, byte[] zip) {
        Map<String, byte[]> entries = entries(path, zip);
        byte[] json = entries.get(CONFIGURATION);
        if (json == null) {
            throw new BadModelFile(path, "no " + CONFIGURATION + " (not a DL4J model zip)");
        }
        ComputationGraphConfiguration conf;
        try {
            conf = ComputationGraphConfiguration.fromJson(new String(json, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new BadModelFile(path, CONFIGURATION + " is not a computation graph configuration: " + rootMessage(e));
        }
        if (conf.getVertices() == null || conf.getVertices().isEmpty() || conf.getNetworkInputs() == null) {
            throw new BadModelFile(path, CONFIGURATION + " is not a computation graph configuration (no vertices)");
        }
        long expected = 0;
        for (GraphVertex v : conf.getVertices().values()) {
            expected += v.numParams(true);
        }
        byte[] coefficients = entries.get(COEFFICIENTS);
        if (coefficients == null) {
            throw new BadModelFile(path, "no " + COEFFICIENTS + " (a model without parameters)");
        }
        DataType type = checkArray(path, COEFFICIENTS, coefficients, expected);
        return new Contents(path, conf, expected, type, coefficients, entries.get(UPDATER));
    }

    /**
     * Restores a network from a model file.
     *
     * @param withUpdater also restore the updater state (checkpoints; refused if the file has none it needs)
     * @throws BadModelFile naming {@code path} and the cause
     */
    public static ComputationGraph restore(String path, byte[] zip, boolean withUpdater) {
        return restore(path, zip, withUpdater, Kernels.BUILTIN);
    }

    /** {@link #restore(String, byte[], boolean)} with the network's layers on {@code kernels} (inference paths). */
    public static ComputationGraph restore(String path, byte[] zip, boolean withUpdater, Kernels kernels) {
        return KernelRuntime.build(kernels, () -> restoreOnCurrentKernels(path, zip, withUpdater));
    }

    private static ComputationGraph restoreOnCurrentKernels(String path, byte[] zip, boolean withUpdater) {
        Contents c = validate(path, zip);
        INDArray params = read(path, COEFFICIENTS, c.coefficients());
        ComputationGraphConfiguration conf = c.configuration();
        conf.setDataType(params.dataType());
        ComputationGraph g = new ComputationGraph(conf);
        try {
            g.init(params, false);
        } catch (RuntimeException e) {
            throw new BadModelFile(path, "the parameters do not fit the configuration: " + rootMessage(e));
        }
        if (withUpdater && c.updaterState() != null) {
            INDArray view = g.getUpdater().getStateViewArray();
            long needed = view == null ? 0 : view.length();
            checkArray(path, UPDATER, c.updaterState(), needed);
            if (needed > 0) {
                g.getUpdater().setStateViewArray(read(path, UPDATER, c.updaterState()));
            }
        }
        return g;
    }

    /** {@link #restore(String, byte[], boolean)} of bytes whose origin has no name (executors: already validated). */
    public static ComputationGraph restore(byte[] zip, boolean withUpdater) {
        return restore("(" + zip.length + " bytes)", zip, withUpdater);
    }

    /** {@link #restore(byte[], boolean)} on {@code kernels}. */
    public static ComputationGraph restore(byte[] zip, boolean withUpdater, Kernels kernels) {
        return restore("(" + zip.length + " bytes)", zip, withUpdater, kernels);
    }

    /** The entries of a complete zip, refusing duplicates and anything DL4J's writer does not produce. */
    static Map<String, byte[]> entries(String path, byte[] zip) {
        if (zip.length < 22 || !hasEndOfCentralDirectory(zip)) {
            throw new BadModelFile(path, "truncated or not a zip file (" + zip.length + " bytes, no end-of-central-directory"
                    + " record)");
        }
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                String name = e.getName();
                if (!KNOWN.contains(name)) {
                    throw new BadModelFile(path, "unexpected entry " + name + (name.endsWith(".bin")
                            ? " (a Java-serialized object: never read; models written by spark-inception do not have it)"
                            : " (models written by spark-inception hold only " + String.join(", ", KNOWN.stream().sorted()
                            .toList()) + ")"));
                }
                if (out.containsKey(name)) {
                    throw new BadModelFile(path, "entry " + name + " appears twice");
                }
                out.put(name, readEntry(in, name.equals(CONFIGURATION) ? MAX_CONFIGURATION_BYTES : Integer.MAX_VALUE - 16));
            }
        } catch (BadModelFile e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new BadModelFile(path, "corrupt zip: " + rootMessage(e));
        }
        return out;
    }

    private static byte[] readEntry(InputStream in, long limit) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
            total += n;
            if (total > limit) {
                throw new IOException("an entry is larger than " + limit + " bytes");
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    /** Whether the last 64 KiB + 22 bytes hold the end-of-central-directory signature a complete zip ends with. */
    private static boolean hasEndOfCentralDirectory(byte[] zip) {
        int stop = Math.max(0, zip.length - 22 - 0xFFFF);
        for (int i = zip.length - 22; i >= stop; i--) {
            if (zip[i] == 0x50 && zip[i + 1] == 0x4b && zip[i + 2] == 0x05 && zip[i + 3] == 0x06) {
                int commentLength = (zip[i + 20] & 0xff) | (zip[i + 21] & 0xff) << 8;
                if (i + 22 + commentLength == zip.length) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Checks an ND4J array entry ({@code Nd4j.write}: a shape buffer, then a data buffer, each a header of
     * allocation mode, length and type followed by the elements) against the expected element count, without
     * allocating it. Returns the data type.
     */
    static DataType checkArray(String path, String entry, byte[] bytes, long expected) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            long remaining = bytes.length;
            Header shape = header(in);
            if (shape.type != DataType.LONG && shape.type != DataType.INT) {
                throw new BadModelFile(path, entry + ": shape buffer of type " + shape.type + " (expected LONG)");
            }
            if (shape.length < 0 || shape.length > 2L * 32 + 4) {
                throw new BadModelFile(path, entry + ": shape buffer of " + shape.length + " elements (corrupt header)");
            }
            long skip = shape.length * shape.type.width();
            if (in.skipBytes((int) skip) != skip) {
                throw new BadModelFile(path, entry + ": truncated shape buffer");
            }
            Header data = header(in);
            if (data.type != DataType.FLOAT && data.type != DataType.DOUBLE && data.type != DataType.HALF) {
                throw new BadModelFile(path, entry + ": values of type " + data.type + " (expected FLOAT, DOUBLE or HALF)");
            }
            if (data.length != expected) {
                throw new BadModelFile(path, entry + " holds " + data.length + " values, the configuration needs "
                        + expected);
            }
            long consumed = bytes.length - in.available();
            long body = data.length * data.type.width();
            if (consumed + body != remaining) {
                throw new BadModelFile(path, entry + " is " + bytes.length + " bytes, its headers announce "
                        + (consumed + body) + " (truncated or padded)");
            }
            return data.type;
        } catch (BadModelFile e) {
            throw e;
        } catch (EOFException e) {
            throw new BadModelFile(path, entry + ": truncated header");
        } catch (IOException | RuntimeException e) {
            throw new BadModelFile(path, entry + ": corrupt header (" + rootMessage(e) + ")");
        }
    }

    private record Header(long length, DataType type) {
    }

    private static Header header(DataInputStream in) throws IOException {
        DataBuffer.AllocationMode mode = DataBuffer.AllocationMode.valueOf(in.readUTF());
        long length = mode.ordinal() < 3 ? in.readInt() : in.readLong();
        return new Header(length, DataType.valueOf(in.readUTF()));
    }

    private static INDArray read(String path, String entry, byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            return Nd4j.read(in);
        } catch (IOException | RuntimeException e) {
            throw new BadModelFile(path, entry + ": " + rootMessage(e));
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        String first = m == null ? t.getClass().getSimpleName() : m.lines().findFirst().orElse("").trim();
        return first.length() > 300 ? first.substring(0, 300) + "..." : first;
    }
}
