package io.sparkinception.preprocessing.spark;

import io.sparkinception.preprocessing.Cropper;
import io.sparkinception.preprocessing.DatasetMetadata;
import io.sparkinception.preprocessing.PixelCodec;
import io.sparkinception.preprocessing.PixelStorage;
import io.sparkinception.preprocessing.annotations.Annotation;
import io.sparkinception.preprocessing.image.Box;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The Parquet columns of a shard (snake_case) and the conversions between rows and tensors.
 * {@code pixels} is {@code binary} for every storage ({@link PixelCodec}); format 1 shards of float32 storage hold
 * {@code array<float>}, which every reader still accepts.
 */
public final class ShardSchema {
    public static final String ID = "id";
    public static final String SOURCE_PATH = "source_path";
    public static final String LABEL = "label";
    public static final String LABEL_NAME = "label_name";
    public static final String BOX = "box";
    public static final String CROP_BOX = "crop_box";
    public static final String HEIGHT = "height";
    public static final String WIDTH = "width";
    public static final String CHANNELS = "channels";
    public static final String PIXELS = "pixels";
    public static final String GROUP = "group";
    public static final String SPLIT = "split";
    public static final String SEQ = "seq";

    private static final StructType BOX_TYPE = new StructType(new StructField[] {
        DataTypes.createStructField("x1", DataTypes.IntegerType, false),
        DataTypes.createStructField("y1", DataTypes.IntegerType, false),
        DataTypes.createStructField("x2", DataTypes.IntegerType, false),
        DataTypes.createStructField("y2", DataTypes.IntegerType, false),
    });

    private ShardSchema() {
    }

    /** The schema of the shards this build writes ({@code pixels} binary whatever the storage). */
    public static StructType schema() {
        return schema(DataTypes.BinaryType);
    }

    /** The schema of format 1 float32 shards ({@code pixels} as {@code array<float>}), which readers still accept. */
    public static StructType formatOneFloat32Schema() {
        return schema(DataTypes.createArrayType(DataTypes.FloatType, false));
    }

    /**
     * Whether a {@code pixels} column of this type holds {@code storage}: {@code binary}, or {@code array<float>} (of
     * nullable or non-null elements) for float32 shards of format 1.
     */
    public static boolean isPixelsType(PixelStorage storage, DataType type) {
        return type.equals(DataTypes.BinaryType) || storage == PixelStorage.FLOAT32
                && type instanceof ArrayType a && a.elementType().equals(DataTypes.FloatType);
    }

    private static StructType schema(DataType pixels) {
        return new StructType(new StructField[] {
            DataTypes.createStructField(ID, DataTypes.StringType, false),
            DataTypes.createStructField(SOURCE_PATH, DataTypes.StringType, false),
            DataTypes.createStructField(LABEL, DataTypes.IntegerType, false),
            DataTypes.createStructField(LABEL_NAME, DataTypes.StringType, false),
            DataTypes.createStructField(BOX, BOX_TYPE, false),
            DataTypes.createStructField(CROP_BOX, BOX_TYPE, false),
            DataTypes.createStructField(HEIGHT, DataTypes.IntegerType, false),
            DataTypes.createStructField(WIDTH, DataTypes.IntegerType, false),
            DataTypes.createStructField(CHANNELS, DataTypes.IntegerType, false),
            DataTypes.createStructField(PIXELS, pixels, false),
            DataTypes.createStructField(GROUP, DataTypes.StringType, false),
            DataTypes.createStructField(SPLIT, DataTypes.StringType, false),
            DataTypes.createStructField(SEQ, DataTypes.LongType, false),
        });
    }

    /** The row of a written outcome: raw pixels encoded for the spec's storage. */
    public static Row toRow(Cropper.Outcome o, DatasetMetadata.Spec spec) {
        return toRow(o, spec, PixelCodec.of(spec));
    }

    /** {@link #toRow(Cropper.Outcome, DatasetMetadata.Spec)} with the codec built once by the caller. */
    public static Row toRow(Cropper.Outcome o, DatasetMetadata.Spec spec, PixelCodec codec) {
        Annotation a = o.job().annotation();
        byte[] pixels = codec.encode(o.chw());
        return RowFactory.create(a.id(), a.sourcePath(), o.job().labelIndex(), o.job().labelName(), boxRow(a.box()),
                boxRow(o.region()), spec.imageSize(), spec.imageSize(), spec.channels(), pixels, a.group(), o.job().split().id(),
                o.job().seq());
    }

    private static Row boxRow(Box b) {
        return RowFactory.create(b.x1(), b.y1(), b.x2(), b.y2());
    }

    /** The normalized CHW tensor of a shard row, whatever the storage ({@link PixelCodec#decode}). */
    public static float[] pixels(Row row, DatasetMetadata.Spec spec) {
        return pixels(row, PixelCodec.of(spec));
    }

    /** {@link #pixels(Row, DatasetMetadata.Spec)} with the codec built once by the caller. */
    public static float[] pixels(Row row, PixelCodec codec) {
        return codec.decode(storedPixels(row, row.fieldIndex(PIXELS)));
    }

    /**
     * The stored value of a row's pixels field as {@link PixelCodec#decode} takes it: the {@code binary} column's
     * bytes, or the floats of a format 1 {@code array<float>} column.
     */
    public static Object storedPixels(Row row, int field) {
        Object v = row.get(field);
        return v instanceof byte[] || v instanceof float[] ? v : toFloats(row.getList(field));
    }

    /**
     * A row's stored pixels as the bytes format 2 shards hold: the {@code binary} column as is, a format 1
     * {@code array<float>} column as little-endian float32.
     */
    public static byte[] storedBytes(Row row, int field) {
        Object stored = storedPixels(row, field);
        return stored instanceof byte[] b ? b : PixelStorage.toFloat32((float[]) stored);
    }

    private static float[] toFloats(List<Object> list) {
        float[] out = new float[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (Float) list.get(i);
        }
        return out;
    }
}
