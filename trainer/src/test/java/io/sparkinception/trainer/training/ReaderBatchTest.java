package io.sparkinception.trainer.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkinception.preprocessing.DatasetMetadata;
import org.junit.jupiter.api.Test;

/** The Parquet reader's batch is sized to the shards' rows, so reading them does not need a large heap. */
class ReaderBatchTest {

    private static DatasetMetadata.Spec spec(int size) {
        return SettingsValidationTest.metadata(size, 2, 10).spec();
    }

    @Test
    void largeImagesGetSmallBatchesSmallImagesKeepSparksDefault() {
        // 75 px, 3 channels, float32: 67,500 bytes a row; 16 MB hold 248 rows (Spark's 4096 would reserve 276 MB).
        assertEquals(248, TrainingData.readerBatchRows(spec(75)));
        assertEquals(16L << 20, TrainingData.READER_BATCH_BYTES);
        assertEquals(27, TrainingData.readerBatchRows(spec(224)));
        assertEquals(4096, TrainingData.readerBatchRows(spec(16)));
        assertEquals(1, TrainingData.readerBatchRows(spec(4096)));
    }
}
