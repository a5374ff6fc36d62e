package io.sparkinception.preprocessing.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.common.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkinception.preprocessing.DatasetMetadata;
import io.sparkinception.preprocessing.MetadataIO;
import io.sparkinception.preprocessing.PixelStorage;
import io.sparkinception.preprocessing.PreprocessConfig;
import io.sparkinception.preprocessing.annotations.SourceSpec;
import io.sparkinception.preprocessing.image.Interpolation;
import io.sparkinception.common.HadoopFiles;
import io.sparkinception.preprocessing.synthetic.SyntheticSigns;
import io.sparkinception.testing.LocalSpark;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.io.output.NullOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading and writing through a Hadoop FileSystem other than the local one: {@code preprocess} reads its
 * annotations and images from an in-process HDFS ({@link MiniDFSCluster}: a NameNode and a DataNode in this JVM,
 * RPC on 127.0.0.1) and writes its Parquet shards and metadata.json there, while Spark's default file system
 * stays {@code file://} (so every path must be carried fully qualified to the executors). The result must equal
 * a {@code file://} run of the same input bit for bit, apart from the paths that name the input (rows
 * store image paths relative to the images root, so they are equal too).
 */
@Tag("e2e") // in-process HDFS and local[2], end to end
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HdfsRoundTripTest {
    private static final PrintStream QUIET = new PrintStream(NullOutputStream.INSTANCE);

    @TempDir
    static Path dir;

    private MiniDFSCluster hdfs;
    private SparkSession spark;
    private String hdfsRoot;

    @BeforeAll
    void start() throws Exception {
        Configuration conf = new Configuration();
        conf.set("dfs.namenode.rpc-address", "127.0.0.1:0");
        conf.set("dfs.namenode.http-address", "127.0.0.1:0");
        conf.set("dfs.datanode.address", "127.0.0.1:0");
        conf.set("dfs.datanode.http.address", "127.0.0.1:0");
        conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
        hdfs = new MiniDFSCluster.Builder(conf, dir.resolve("hdfs").toFile()).numDataNodes(1).format(true).build();
        hdfs.waitActive();
        hdfsRoot = "hdfs://127.0.0.1:" + hdfs.getNameNodePort();
        spark = LocalSpark.start("hdfs-round-trip");
        // One DataNode: one replica (the default of 3 would leave every block under-replicated).
        spark.sparkContext().hadoopConfiguration().set("dfs.replication", "1");
    }

    @AfterAll
    void stop() {
        if (spark != null) {
            spark.stop();
        }
        if (hdfs != null) {
            hdfs.shutdown();
        }
    }

    private static PreprocessConfig config(String trainCsv, String classNames, String output) {
        SourceSpec source = new SourceSpec(SourceSpec.Format.GTSRB, trainCsv, "", classNames, null, true);
        return PreprocessConfig.builder(source, output).newSpec(new PreprocessConfig.NewSpec(24,
                new PreprocessConfig.CropSpec(0.1, true, Interpolation.BILINEAR), PixelStorage.FLOAT16, true))
                .shards(2).valFraction(0.25).seed(5).partitions(3).progressSeconds(60).build();
    }

    @Test
    void preprocessReadsAndWritesHdfsAndMatchesTheLocalRunBitForBit() throws Exception {
        Path local = dir.resolve("data");
        SyntheticSigns.Written data = new SyntheticSigns(4).write(local, 12, 0, 11);
        HadoopFiles files = HadoopFiles.of(spark.sparkContext().hadoopConfiguration());
        FileSystem fs = files.fileSystem(hdfsRoot + "/");
        assertEquals("hdfs", fs.getScheme());
        assertEquals("file", FileSystem.get(spark.sparkContext().hadoopConfiguration()).getScheme(),
                "Spark's default file system stays local: HDFS paths must work fully qualified");
        fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(local.toUri()),
                new org.apache.hadoop.fs.Path(hdfsRoot + "/in"));

        String localOut = dir.resolve("out-local").toString();
        String hdfsOut = hdfsRoot + "/out";
        DatasetMetadata fromLocal = PreprocessPipeline.run(spark,
                config(data.trainCsv().toString(), data.classNames().toString(), localOut), QUIET).metadata();
        DatasetMetadata fromHdfs = PreprocessPipeline.run(spark,
                config(hdfsRoot + "/in/Train.csv", hdfsRoot + "/in/signnames.csv", hdfsOut), QUIET).metadata();

        assertEquals(48, fromHdfs.counts().inputRecords());
        assertEquals(48, fromHdfs.counts().written(), "every synthetic record is good: " + fromHdfs.skipped());
        assertTrue(fromHdfs.counts().perSplit().get("val") > 0, "both splits written: " + fromHdfs.counts().perSplit());
        assertTrue(fromHdfs.input().input().startsWith(hdfsRoot + "/in/"), fromHdfs.input().input());

        // metadata.json, read back through HadoopFiles from each file system: equal except the creation time and
        // the input paths.
        String localRoot = files.qualify(local.toString());
        assertTrue(files.exists(hdfsOut + "/" + MetadataIO.FILE_NAME));
        assertFalse(files.exists(hdfsOut + "/._tmp_" + MetadataIO.FILE_NAME), "written atomically");
        String inputDir = local.toString();
        JsonNode localJson = comparable(files.readText(localOut + "/" + MetadataIO.FILE_NAME)
                .replace(localRoot, "<input>").replace(inputDir, "<input>"));
        JsonNode hdfsJson = comparable(files.readText(hdfsOut + "/" + MetadataIO.FILE_NAME)
                .replace(hdfsRoot + "/in", "<input>"));
        assertTrue(localJson.toString().contains("<input>/Train.csv"), localJson.toString());
        assertEquals(localJson, hdfsJson);
        DatasetMetadata hdfsRead = MetadataIO.read(files, hdfsOut);
        assertTrue(Arrays.equals(fromLocal.spec().mean(), hdfsRead.spec().mean()), "training mean bit for bit");
        assertTrue(Arrays.equals(fromLocal.spec().std(), hdfsRead.spec().std()), "training std bit for bit");
        assertEquals(2, files.list(hdfsOut + "/train", ".parquet").size(), "the shards are on HDFS");

        // Parquet, read back by Spark from each file system: every row equal, pixels bit for bit.
        for (String split : List.of("train", "val")) {
            List<Row> expected = rows(localOut + "/" + split);
            List<Row> actual = rows(hdfsOut + "/" + split);
            assertEquals(fromLocal.counts().perSplit().get(split).intValue(), expected.size());
            assertEquals(expected.size(), actual.size(), split);
            for (int i = 0; i < expected.size(); i++) {
                Row e = expected.get(i);
                Row a = actual.get(i);
                for (int f = 0; f < e.length(); f++) {
                    String where = split + " row " + i + " column " + e.schema().fields()[f].name();
                    if (e.get(f) instanceof byte[] eb) {
                        assertTrue(Arrays.equals(eb, (byte[]) a.get(f)), where);
                    } else {
                        assertEquals(e.get(f), a.get(f), where);
                    }
                }
            }
        }
    }

    private List<Row> rows(String path) {
        return new ArrayList<>(spark.read().parquet(path).orderBy(new Column("seq")).collectAsList());
    }

    private static JsonNode comparable(String json) throws Exception {
        ObjectNode node = (ObjectNode) Json.mapper().readTree(json);
        node.remove("created_at");
        return node;
    }
}
