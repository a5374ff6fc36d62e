package io.sparkinception.trainer.training.data;

import java.io.Serializable;

/**
 * One training example as the shards store it: its position in the split, its class index and its CHW pixels in
 * the stored encoding ({@link io.sparkinception.preprocessing.PixelStorage}; uint8 is a quarter of float32). What Spark shuffles to partition
 * the split, and what the per-executor copies hold.
 */
public record StoredExample(long seq, int label, byte[] pixels) implements Serializable {
}
