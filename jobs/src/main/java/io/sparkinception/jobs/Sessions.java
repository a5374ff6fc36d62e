package io.sparkinception.jobs;

import org.apache.spark.sql.SparkSession;

/** Builds the SparkSession of a job. Never sets the master: spark-submit (or spark.master) decides. */
final class Sessions {
    private Sessions() {
    }

    static SparkSession create(String command) {
        return SparkSession.builder().appName("spark-inception " + command).getOrCreate();
    }
}
