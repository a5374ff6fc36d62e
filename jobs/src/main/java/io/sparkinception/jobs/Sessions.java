package io.sparkinception.jobs;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the SparkSession of a job. Never sets the master: spark-submit (or spark.master) decides.
 *
 * <p>In local mode ({@code local}, {@code local[N]}, {@code local[N,F]}, {@code local-cluster[...]}) nothing outside
 * this machine talks to the driver, so its RPC and block-manager ports bind 127.0.0.1 instead of Spark's default,
 * the machine's external address. A user's choice still wins: {@code spark.driver.host} or
 * {@code spark.driver.bindAddress} (from {@code --conf}, spark-defaults.conf or a system property), or the
 * environment variables {@code SPARK_LOCAL_IP} / {@code SPARK_LOCAL_HOSTNAME}.
 */
final class Sessions {
    static final String LOOPBACK = "127.0.0.1";
    static final String DRIVER_HOST = "spark.driver.host";
    static final String DRIVER_BIND_ADDRESS = "spark.driver.bindAddress";

    private Sessions() {
    }

    static SparkSession create(String command) {
        SparkSession.Builder builder = SparkSession.builder().appName("spark-inception " + command);
        localModeDefaults(new SparkConf(), System.getenv()).forEach(builder::config);
        return builder.getOrCreate();
    }

    /** The settings a local-mode session gets unless the user chose an address; empty otherwise. */
    static Map<String, String> localModeDefaults(SparkConf conf, Map<String, String> env) {
        String master = conf.get("spark.master", "");
        boolean local = master.equals("local") || master.startsWith("local[") || master.startsWith("local-cluster[");
        boolean userChose = conf.contains(DRIVER_HOST) || conf.contains(DRIVER_BIND_ADDRESS)
                || env.containsKey("SPARK_LOCAL_IP") || env.containsKey("SPARK_LOCAL_HOSTNAME");
        return local && !userChose ? Map.of(DRIVER_HOST, LOOPBACK, DRIVER_BIND_ADDRESS, LOOPBACK) : Map.of();
    }
}
