package io.sparkinception.testing;

import org.apache.spark.sql.SparkSession;

/** A local[2] SparkSession for tests, quiet and without UI. */
public final class LocalSpark {
    private LocalSpark() {
    }

    public static SparkSession start(String name) {
        return SparkSession.builder().master("local[2]").appName(name)
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
    }
}
