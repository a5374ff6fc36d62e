package io.sparkinception.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkinception.common.HadoopFiles;
import io.sparkinception.common.Json;
import io.sparkinception.preprocessing.DatasetMetadata;
import io.sparkinception.preprocessing.MetadataIO;
import io.sparkinception.preprocessing.PixelCodec;
import io.sparkinception.preprocessing.PixelStorage;
import io.sparkinception.preprocessing.spark.ShardSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Copies a preprocess output into the layout of format 1, as the builds before format 2 wrote it: float32 pixels as
 * {@code array<float>} of the normalized tensor, float16 as half floats of the normalized tensor, uint8 unchanged,
 * and a metadata.json of format version 1 without {@code pixels_normalized}.
 */
public final class FormatOneShards {
    private FormatOneShards() {
    }

    /** Writes the format 1 copy of {@code prep} (a finished format 2 output) into {@code out}; returns {@code out}. */
    public static String copy(SparkSession spark, String prep, Path out) throws IOException {
        DatasetMetadata m = MetadataIO.read(HadoopFiles.local(), prep);
        PixelCodec codec = PixelCodec.of(m.spec());
        PixelStorage storage = m.spec().pixelStorage();
        for (String split : m.shards().keySet()) {
            JavaRDD<Row> rows = spark.read().parquet(prep + "/" + split).javaRDD().map(r -> formatOne(r, codec, storage));
            spark.createDataFrame(rows, storage == PixelStorage.FLOAT32 ? ShardSchema.formatOneFloat32Schema() : ShardSchema.schema())
                    .write().parquet(out.resolve(split).toString());
        }
        ObjectNode tree = (ObjectNode) Json.mapper().readTree(Files.readString(Path.of(prep, MetadataIO.FILE_NAME)));
        tree.put("format_version", 1);
        ((ObjectNode) tree.get("spec")).remove("pixels_normalized");
        Files.writeString(out.resolve(MetadataIO.FILE_NAME), Json.toJson(tree));
        return out.toString();
    }

    private static Row formatOne(Row row, PixelCodec codec, PixelStorage storage) {
        Object[] values = new Object[row.length()];
        for (int i = 0; i < values.length; i++) {
            values[i] = row.get(i);
        }
        int p = row.fieldIndex(ShardSchema.PIXELS);
        float[] normalized = ShardSchema.pixels(row, codec);
        values[p] = switch (storage) {
            case FLOAT32 -> normalized;
            case FLOAT16 -> PixelStorage.toHalf(normalized);
            case UINT8 -> row.get(p);
        };
        return RowFactory.create(values);
    }

    /** The format version a metadata.json records. */
    public static int formatVersion(Path dir) throws IOException {
        return Json.mapper().readTree(Files.readString(dir.resolve(MetadataIO.FILE_NAME))).get("format_version").asInt();
    }
}
