package io.sparkinception.trainer.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.trainer.kernels.Kernels;
import io.sparkinception.trainer.models.InceptionZoo;
import io.sparkinception.trainer.models.ModelFamily;
import io.sparkinception.trainer.models.ModelSpec;
import io.sparkinception.trainer.models.TrainingRecipe;
import io.sparkinception.trainer.training.data.StoredExample;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;
import org.apache.spark.SparkConf;
import org.apache.spark.io.CompressionCodec;
import org.apache.spark.io.CompressionCodec$;
import org.apache.spark.serializer.JavaSerializer;
import org.apache.spark.serializer.SerializationStream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import scala.Tuple2;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * The bytes one parameter-averaging round moves, measured: the zoo's model (GoogLeNet at 224 px, 1000 classes, aux
 * heads on, as {@code train} builds it) for each named recipe, after one {@code fit} step on 2 random images so the
 * updater state holds real values. Every size is what Spark writes with this project's settings
 * ({@code spark.serializer} = JavaSerializer, conf/spark-defaults.conf) and Spark's defaults for the rest:
 * <ul>
 *   <li>broadcast: the {@link RoundState}, serialized into the I/O codec ({@code spark.broadcast.compress} = true),
 *       as {@code TorrentBroadcast.blockifyObject} does; pieces of {@code spark.broadcast.blockSize} = 4 MiB;</li>
 *   <li>shuffle record of an aggregation level: key {@code group} and value {@code (partition, Aggregate)} through the
 *       codec ({@code spark.shuffle.compress} = true), as {@link ParameterAveragingMaster#sumInPartitionOrder} writes;</li>
 *   <li>task result of the last level (and of every worker at depth 1): the array of one {@code (key, Aggregate)}
 *       that {@code collect} returns, serialized without compression;</li>
 *   <li>the partitioning shuffle of the training data: one {@code (partition, StoredExample)} record at 224 and 256 px.</li>
 * </ul>
 * After one step RMSProp's state is still close to its initial value (DL4J fills it with epsilon, 1.0 in the recipe),
 * so the codec shrinks it; trained state, like the parameters, barely compresses. No timing: bytes do not depend on
 * load. Tagged {@code benchmark}: building and stepping three 224 px GoogLeNets takes minutes on a shared machine. Run: {@code ./mvnw -B -o -q -pl trainer -am test -Dtest=RoundBytesMeasurement
 * -Dsurefire.failIfNoSpecifiedTests=false -Dexcluded.test.groups=none [-Dround.bytes.out=FILE]}; also
 * {@code -Dround.bytes.family}, {@code .size}, {@code .classes}.
 */
@Tag("benchmark")
class RoundBytesMeasurement {
    private static final ClassTag<Object> OBJECT = ClassTag$.MODULE$.apply(Object.class);
    private static final long BROADCAST_PIECE = 4L << 20;

    /** The measured sizes of one recipe, in bytes unless named otherwise. */
    record Sizes(String recipe, long params, long stateValues, long statePerParameter, long graphJson,
                 long trainerCodec, long firstBroadcastCodec, long broadcastRaw, long broadcastCodec, long workerResultRaw,
                 long shuffleRaw, long shuffleCodec, long collectedRaw) {
    }

    @Test
    void measure() throws IOException {
        ModelFamily family = ModelFamily.of(System.getProperty("round.bytes.family", "googlenet"));
        int size = Integer.getInteger("round.bytes.size", 224);
        int classes = Integer.getInteger("round.bytes.classes", 1000);
        SparkConf conf = new SparkConf(false);
        JavaSerializer serializer = new JavaSerializer(conf);
        CompressionCodec codec = CompressionCodec$.MODULE$.createCodec(conf);
        List<Sizes> rows = new ArrayList<>();
        for (String recipe : TrainingRecipe.names()) {
            ModelSpec spec = ModelSpec.defaults(family, classes).withInputSize(size).withRecipe(TrainingRecipe.of(recipe));
            rows.add(measure(spec, serializer, codec));
        }
        String report = render(family.id() + " " + size + " px, " + classes + " classes, aux heads on; "
                + serializer.getClass().getSimpleName() + ", codec " + codec.getClass().getSimpleName(), rows);
        report += storedExamples(serializer, 224, 256);
        System.out.println(report);
        String out = System.getProperty("round.bytes.out");
        if (out != null) {
            Files.writeString(Path.of(out), report);
        }
    }

    private static Sizes measure(ModelSpec spec, JavaSerializer serializer, CompressionCodec codec) throws IOException {
        ComputationGraph g = InceptionZoo.build(spec);
        long firstBroadcast;
        float[] params;
        float[] state;
        try {
            firstBroadcast = bytes(serializer, codec, new RoundState(g.params().toFloatVector(),
                    PartitionTrainer.updaterState(g), 0, 0, 0));
            oneStep(g, spec.inputSize(), spec.numClasses());
            params = g.params().toFloatVector();
            state = PartitionTrainer.updaterState(g);
        } finally {
            g.close();
        }
        long perParameter = spec.recipe().updater().stateSize(1);
        assertEquals(0, state.length % perParameter, state.length + " state values, " + perParameter + " per parameter");
        String json = spec.family().net().configure(spec).configuration().toJson();
        PartitionTrainer trainer = new PartitionTrainer(new WorkerSettings(json, 32, 5, 42, spec.numClasses(),
                spec.inputSize(), 3, new float[3], new float[] {1, 1, 1}, Augmentation.NONE, 2, Kernels.ONEDNN));
        RoundState broadcast = new RoundState(params, state, 1, 5, 0);
        WorkerResult result = new WorkerResult(0, params, state, 1.0, 5, 160, 1, 1);
        Aggregate agg = Aggregate.of(result);
        Sizes s = new Sizes(spec.recipe().name(), params.length, state.length, perParameter,
                json.getBytes(StandardCharsets.UTF_8).length, bytes(serializer, codec, trainer), firstBroadcast,
                bytes(serializer, null, broadcast), bytes(serializer, codec, broadcast), bytes(serializer, null, result),
                bytes(serializer, null, 0, new Tuple2<>(0, agg)), bytes(serializer, codec, 0, new Tuple2<>(0, agg)),
                bytes(serializer, null, (Object) new Tuple2<?, ?>[] {new Tuple2<>(0, agg)}));
        long floats = 4L * (params.length + state.length);
        for (long raw : new long[] {s.broadcastRaw(), s.workerResultRaw(), s.shuffleRaw(), s.collectedRaw()}) {
            assertTrue(raw >= floats && raw < floats + 4096, raw + " bytes for " + floats + " bytes of floats");
        }
        return s;
    }

    /**
     * The partitioning shuffle of the training data (TrainingData.loadCompact): bytes one (partition, uint8 example)
     * record adds to a serialization stream, before the codec (which depends on the pixels).
     */
    private static String storedExamples(JavaSerializer serializer, int... sizes) throws IOException {
        StringBuilder b = new StringBuilder("\n| stored uint8 example, px | pixel bytes | shuffle record, serialized (per record) |\n"
                + "| ---: | ---: | ---: |\n");
        for (int size : sizes) {
            StoredExample e = new StoredExample(0, 0, new byte[3 * size * size]);
            StoredExample other = new StoredExample(1, 1, new byte[3 * size * size]);
            long perRecord = bytes(serializer, null, 0, e, 1, other) - bytes(serializer, null, 0, e);
            b.append(String.format(Locale.ROOT, "| %d | %,d | %,d |%n", size, e.pixels().length, perRecord));
        }
        return b.toString();
    }

    /** One row per measure, one column per recipe. */
    static String render(String title, List<Sizes> rows) {
        StringBuilder b = new StringBuilder(title).append("\n\n| measured |");
        rows.forEach(r -> b.append(' ').append(r.recipe()).append(" |"));
        b.append("\n| --- |").append(" ---: |".repeat(rows.size())).append('\n');
        line(b, "parameters (numParams)", rows, Sizes::params);
        line(b, "updater state values", rows, Sizes::stateValues);
        line(b, "state values per updated parameter", rows, Sizes::statePerParameter);
        line(b, "updated parameters (state values / per parameter)", rows, r -> r.stateValues() / r.statePerParameter());
        line(b, "graph configuration JSON, UTF-8", rows, Sizes::graphJson);
        line(b, "PartitionTrainer (captured by the round's closure), serialized + codec", rows, Sizes::trainerCodec);
        line(b, "broadcast RoundState, serialized", rows, Sizes::broadcastRaw);
        line(b, "broadcast RoundState, serialized + codec (what TorrentBroadcast stores)", rows, Sizes::broadcastCodec);
        line(b, "broadcast pieces of 4 MiB", rows, r -> (r.broadcastCodec() + BROADCAST_PIECE - 1) / BROADCAST_PIECE);
        line(b, "first round's broadcast (initial parameters, zero state), serialized + codec", rows,
                Sizes::firstBroadcastCodec);
        line(b, "WorkerResult, serialized", rows, Sizes::workerResultRaw);
        line(b, "shuffle record (group, (partition, Aggregate)), serialized", rows, Sizes::shuffleRaw);
        line(b, "shuffle record, serialized + codec (what a level writes and fetches)", rows, Sizes::shuffleCodec);
        line(b, "task result to the driver: [(key, Aggregate)], serialized", rows, Sizes::collectedRaw);
        return b.toString();
    }

    private static void line(StringBuilder b, String label, List<Sizes> rows, ToLongFunction<Sizes> value) {
        b.append("| ").append(label).append(" |");
        rows.forEach(r -> b.append(String.format(Locale.ROOT, " %,d |", value.applyAsLong(r))));
        b.append('\n');
    }

    /** One training step on 2 random images, so momentum, moments and averages are real, not initial zeros. */
    private static void oneStep(ComputationGraph g, int size, int classes) {
        Nd4j.getRandom().setSeed(7);
        INDArray x = Nd4j.rand(2, 3, size, size).muli(2).subi(1);
        INDArray y = Nd4j.zeros(2, classes);
        y.putScalar(0, 0, 1.0);
        y.putScalar(1, 1, 1.0);
        g.fit(InceptionZoo.withLabelsForEveryOutput(g, x, y));
    }

    /** Bytes of {@code values} written to one serialization stream, through {@code codec} unless it is null. */
    private static long bytes(JavaSerializer serializer, CompressionCodec codec, Object... values) throws IOException {
        Counter counter = new Counter();
        OutputStream out = codec == null ? counter : codec.compressedOutputStream(counter);
        SerializationStream s = serializer.newInstance().serializeStream(out);
        for (Object v : values) {
            s.writeObject(v, OBJECT);
        }
        s.close();
        return counter.count;
    }

    private static final class Counter extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
