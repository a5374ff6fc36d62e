package io.sparkinception.trainer.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/** Model files are loaded without Java deserialization; broken ones give one line with the path and the cause. */
class SafeModelLoaderTest {
    private static final String PATH = "file:/models/member-1/inference-model.zip";
    private static ComputationGraph trained;
    private static byte[] withUpdater;
    private static byte[] inference;

    /** A harmless serializable class: records whether Java deserialization ever instantiated it. */
    static final class Gadget implements Serializable {
        private static final long serialVersionUID = 1L;
        static volatile boolean materialized;

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            materialized = true;
        }
    }

    @BeforeAll
    static void tinyModel() throws IOException {
        ModelSpec spec = ModelSpec.defaults(ModelFamily.GOOGLENET, 3).withInputSize(32).withWidth(0.25, 8)
                .withDropout(0, 0);
        trained = InceptionZoo.build(spec);
        INDArray x = ZooTestSupport.images(3, 2, 32, 3, DataType.FLOAT);
        MultiDataSet data = InceptionZoo.withLabelsForEveryOutput(trained, x, ZooTestSupport.cyclicLabels(2, 3, DataType.FLOAT));
        trained.fit(data);
        withUpdater = write(trained, true);
        inference = write(InferenceExport.withoutAuxHeads(trained), false);
    }

    private static byte[] write(ComputationGraph g, boolean updater) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ModelSerializer.writeModel(g, out, updater);
        return out.toByteArray();
    }

    @Test
    void restoresParametersAndUpdaterStateAsDl4jDoes() throws IOException {
        ComputationGraph ours = SafeModelLoader.restore(PATH, withUpdater, true);
        ComputationGraph theirs = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(withUpdater), true);
        assertEquals(theirs.getConfiguration().toJson(), ours.getConfiguration().toJson());
        assertEquals(theirs.params(), ours.params());
        assertEquals(theirs.getUpdater().getStateViewArray(), ours.getUpdater().getStateViewArray());
        INDArray x = ZooTestSupport.images(9, 2, 32, 3, DataType.FLOAT);
        assertEquals(theirs.output(false, x)[0], ours.output(false, x)[0]);

        ComputationGraph inf = SafeModelLoader.restore(PATH, inference, false);
        assertEquals(InferenceExport.withoutAuxHeads(trained).params(), inf.params());
        assertEquals(inf.numParams(), SafeModelLoader.validate(PATH, inference).parameters());
    }

    @Test
    void aSerializedObjectInPreprocessorBinIsNeverInstantiatedAndTheFileIsRefused() throws IOException {
        ByteArrayOutputStream ser = new ByteArrayOutputStream();
        try (ObjectOutputStream oos = new ObjectOutputStream(ser)) {
            oos.writeObject(new Gadget());
        }
        Gadget.materialized = false;
        Map<String, byte[]> entries = entries(inference);
        entries.put("preprocessor.bin", ser.toByteArray());
        byte[] tampered = zip(entries);

        SafeModelLoader.BadModelFile e = assertThrows(SafeModelLoader.BadModelFile.class,
                () -> SafeModelLoader.restore(PATH, tampered, false));
        assertOneLineNaming(e, "unexpected entry preprocessor.bin");
        assertFalse(Gadget.materialized, "the serialized class must never be instantiated");

        // The same file through DL4J's own loader does instantiate it: the hole this class closes.
        try {
            ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(tampered), false);
        } catch (RuntimeException expected) {
            // the object is not a DataSetPreProcessor: DL4J fails, but only after instantiating it
        }
        assertTrue(Gadget.materialized, "control: DL4J's ObjectInputStream materializes the class");
        Gadget.materialized = false;
    }

    @Test
    void aNormalizerEntryIsRefusedToo() throws IOException {
        Map<String, byte[]> entries = entries(inference);
        entries.put("normalizer.bin", new byte[] {1, 2, 3});
        assertOneLineNaming(assertThrows(SafeModelLoader.BadModelFile.class,
                () -> SafeModelLoader.validate(PATH, zip(entries))), "unexpected entry normalizer.bin");
    }

    @Test
    void aTruncatedZipGivesOneLineWithThePath() {
        for (int keep : new int[] {0, 10, inference.length / 2, inference.length - 5}) {
            byte[] cut = Arrays.copyOf(inference, keep);
            SafeModelLoader.BadModelFile e = assertThrows(SafeModelLoader.BadModelFile.class,
                    () -> SafeModelLoader.validate(PATH, cut));
            assertOneLineNaming(e, "truncated or not a zip file");
        }
    }

    @Test
    void garbageInTheCoefficientsGivesOneLineWithThePath() throws IOException {
        Map<String, byte[]> entries = entries(inference);
        byte[] garbage = new byte[4096];
        new java.util.Random(1).nextBytes(garbage);
        entries.put(SafeModelLoader.COEFFICIENTS, garbage);
        assertOneLineNaming(assertThrows(SafeModelLoader.BadModelFile.class,
                () -> SafeModelLoader.restore(PATH, zip(entries), false)), "coefficients.bin");

        // A plausible header announcing a huge array is refused before anything is allocated.
        byte[] real = entries(inference).get(SafeModelLoader.COEFFICIENTS);
        entries.put(SafeModelLoader.COEFFICIENTS, Arrays.copyOf(real, real.length - 100));
        assertOneLineNaming(assertThrows(SafeModelLoader.BadModelFile.class,
                () -> SafeModelLoader.restore(PATH, zip(entries), false)), "truncated or padded");

        // Coefficients of another model (another parameter count).
        entries.put(SafeModelLoader.COEFFICIENTS, entries(withUpdater).get(SafeModelLoader.COEFFICIENTS));
        assertOneLineNaming(assertThrows(SafeModelLoader.BadModelFile.class,
                () -> SafeModelLoader.restore(PATH, zip(entries), false)), "the configuration needs");
    }

    @Test
    void aBrokenConfigurationOrAMissingEntryIsNamed() throws IOException {
        Map<String, byte[]> entries = entries(inference);
        entries.put(SafeModelLoader.CONFIGURATION, "{\"vertices\": [1, 2".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertOneLineNaming(assertThrows(SafeModelLoader.BadModelFile.class,
                () -> SafeModelLoader.validate(PATH, zip(entries))), "configuration.json");
        Map<String, byte[]> noCoefficients = entries(inference);
        noCoefficients.remove(SafeModelLoader.COEFFICIENTS);
        assertOneLineNaming(assertThrows(SafeModelLoader.BadModelFile.class,
                () -> SafeModelLoader.validate(PATH, zip(noCoefficients))), "no coefficients.bin");
    }

    private static void assertOneLineNaming(SafeModelLoader.BadModelFile e, String cause) {
        String m = e.getMessage();
        assertTrue(m.startsWith("model file " + PATH + " cannot be loaded: "), m);
        assertTrue(m.contains(cause), m);
        assertFalse(m.contains("\n"), m);
        assertTrue(e instanceof IllegalArgumentException);
    }

    static Map<String, byte[]> entries(byte[] zip) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                out.put(e.getName(), in.readAllBytes());
            }
        }
        return out;
    }

    static byte[] zip(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }
}
