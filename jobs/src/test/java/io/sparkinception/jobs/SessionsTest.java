package io.sparkinception.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkinception.jobs.cluster.ListeningSockets;
import io.sparkinception.jobs.cluster.ListeningSockets.Listener;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Local mode binds the driver to 127.0.0.1 unless the user chose an address (issue 11, "Network"). */
class SessionsTest {
    private static final Map<String, String> LOOPBACK = Map.of(Sessions.DRIVER_HOST, Sessions.LOOPBACK,
            Sessions.DRIVER_BIND_ADDRESS, Sessions.LOOPBACK);

    private static SparkConf conf(String... keyValues) {
        SparkConf conf = new SparkConf(false);
        for (int i = 0; i < keyValues.length; i += 2) {
            conf.set(keyValues[i], keyValues[i + 1]);
        }
        return conf;
    }

    @Test
    void everyLocalMasterGetsLoopback() {
        for (String master : List.of("local", "local[2]", "local[*]", "local[2,3]", "local-cluster[2,1,1024]")) {
            assertEquals(LOOPBACK, Sessions.localModeDefaults(conf("spark.master", master), Map.of()), master);
        }
    }

    @Test
    void clusterMastersAndUserChoicesAreLeftAlone() {
        for (String master : List.of("spark://127.0.0.1:7077", "yarn", "k8s://https://api:6443", "")) {
            assertEquals(Map.of(), Sessions.localModeDefaults(conf("spark.master", master), Map.of()), master);
        }
        assertEquals(Map.of(), Sessions.localModeDefaults(
                conf("spark.master", "local[2]", "spark.driver.host", "10.0.0.5"), Map.of()));
        assertEquals(Map.of(), Sessions.localModeDefaults(
                conf("spark.master", "local[2]", "spark.driver.bindAddress", "0.0.0.0"), Map.of()));
        assertEquals(Map.of(), Sessions.localModeDefaults(conf("spark.master", "local[2]"),
                Map.of("SPARK_LOCAL_IP", "10.0.0.5")));
        assertEquals(Map.of(), Sessions.localModeDefaults(conf("spark.master", "local[2]"),
                Map.of("SPARK_LOCAL_HOSTNAME", "myhost")));
    }

    /** A session as a job builds it (master from the spark.master system property, as spark-submit passes it). */
    @Test
    void aLocalSessionListensOnLoopbackOnly() {
        Set<Listener> before = listeners();
        System.setProperty("spark.master", "local[1]");
        System.setProperty("spark.ui.enabled", "false"); // as conf/spark-defaults.conf; the UI binds SPARK_LOCAL_IP
        SparkSession spark = Sessions.create("sessions-test");
        try {
            SparkConf conf = spark.sparkContext().conf();
            assertEquals(Sessions.LOOPBACK, conf.get(Sessions.DRIVER_HOST));
            assertEquals(Sessions.LOOPBACK, conf.get(Sessions.DRIVER_BIND_ADDRESS));
            int rpcPort = Integer.parseInt(conf.get("spark.driver.port"));
            int blockManagerPort = SparkEnv.get().blockManager().blockManagerId().port();

            Set<Listener> opened = new HashSet<>(listeners());
            opened.removeAll(before);
            assertTrue(opened.stream().anyMatch(l -> l.port() == rpcPort),
                    "the driver's RPC port " + rpcPort + " is not among the JVM's new listening sockets " + opened);
            assertTrue(opened.stream().anyMatch(l -> l.port() == blockManagerPort),
                    "the block manager's port " + blockManagerPort + " is not among the new listening sockets " + opened);
            for (Listener l : opened) {
                assertTrue(l.loopback(), "the session listens on a non-loopback address: " + l + " (all new: " + opened + ")");
            }
        } finally {
            spark.stop();
            System.clearProperty("spark.master");
            System.clearProperty("spark.ui.enabled");
        }
    }

    private static Set<Listener> listeners() {
        return ListeningSockets.of(ProcessHandle.current().pid());
    }
}
