package io.sparkinception.preprocessing;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.sparkinception.common.HadoopFiles;
import io.sparkinception.common.Json;
import java.io.IOException;

/** Reads and writes {@link DatasetMetadata} ({@code metadata.json}) through the project's {@link Json} mapper. */
public final class MetadataIO {
    public static final String FILE_NAME = "metadata.json";

    private MetadataIO() {
    }

    public static DatasetMetadata fromJson(String json, String source) {
        try {
            DatasetMetadata m = Json.mapper().readValue(json, DatasetMetadata.class);
            if (m.formatVersion() < DatasetMetadata.OLDEST_READABLE_VERSION || m.formatVersion() > DatasetMetadata.FORMAT_VERSION) {
                throw new IllegalArgumentException(source + ": metadata format version " + m.formatVersion()
                        + ", this build reads versions " + DatasetMetadata.OLDEST_READABLE_VERSION + " to "
                        + DatasetMetadata.FORMAT_VERSION);
            }
            return m.formatVersion() == 1 ? upgradeFormatOne(m) : m;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + " is not a preprocessing metadata.json: " + e.getOriginalMessage(), e);
        }
    }

    /** Format 1 recorded no {@code pixels_normalized}: its float32 and float16 shards hold normalized values. */
    private static DatasetMetadata upgradeFormatOne(DatasetMetadata m) {
        return new DatasetMetadata(m.formatVersion(), m.createdAt(), m.createdBy(), m.input(),
                m.spec() == null ? null : m.spec().asFormatOne(), m.classes(), m.counts(), m.shards(), m.skipped());
    }

    /** Reads {@code path}, which may be the metadata.json file or the output directory holding it. */
    public static DatasetMetadata read(HadoopFiles files, String path) throws IOException {
        String file = path.endsWith(".json") ? path : (path.endsWith("/") ? path : path + "/") + FILE_NAME;
        if (!files.exists(file)) {
            throw new IllegalArgumentException("no metadata at " + file
                    + " (is this a finished preprocess output? metadata.json is written last)");
        }
        return fromJson(files.readText(file), file);
    }

    public static void write(HadoopFiles files, String outputDir, DatasetMetadata metadata) throws IOException {
        files.writeAtomically(outputDir + "/" + FILE_NAME, Json.toJson(metadata));
    }
}
