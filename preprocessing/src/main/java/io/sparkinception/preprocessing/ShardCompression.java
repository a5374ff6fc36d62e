package io.sparkinception.preprocessing;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The Parquet codec of the shards (the {@code compression} key). Pixel tensors barely compress (float32 by about
 * 3 % with Snappy), so the choice trades little disk for write and read time. Every codec here works with the
 * Parquet and compression jars Spark brings, without native Hadoop libraries; ShardFormatTest writes and reads
 * back shards with each.
 * <ul>
 *   <li>{@code snappy}: the default (Spark's), fast.</li>
 *   <li>{@code uncompressed}: no codec at all.</li>
 *   <li>{@code zstd}: smaller, slower to write.</li>
 *   <li>{@code lz4_raw}: about as fast as Snappy.</li>
 *   <li>{@code gzip}: smallest of the classic ones, slowest.</li>
 * </ul>
 */
public enum ShardCompression {
    SNAPPY, UNCOMPRESSED, ZSTD, LZ4_RAW, GZIP;

    public static ShardCompression of(String name) {
        String id = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (ShardCompression c : values()) {
            if (c.id().equals(id)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown compression '" + name + "' (known: " + String.join(", ", ids()) + ")");
    }

    /** The ids in declaration order, the default first. */
    public static List<String> ids() {
        return Arrays.stream(values()).map(ShardCompression::id).toList();
    }

    /**
     * The config value, {@code snappy}, {@code uncompressed}, {@code zstd}, {@code lz4_raw} or {@code gzip}, which is
     * also the value of Spark's Parquet {@code compression} write option.
     */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
