package io.sparkinception.preprocessing.annotations;

import io.sparkinception.common.HadoopFiles;
import java.io.IOException;

/**
 * Reads annotation text (CSV, XML) on the driver: annotations are small next to the images, which are read on
 * the executors. A record that cannot be parsed becomes a {@link Skipped}, never an exception; an exception
 * means the source as a whole is unusable (missing annotation file, missing header column).
 */
public interface AnnotationReader {
    ReadResult read(SourceSpec spec, HadoopFiles files) throws IOException;
}
