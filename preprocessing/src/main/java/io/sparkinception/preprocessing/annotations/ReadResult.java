package io.sparkinception.preprocessing.annotations;

import java.util.List;

/**
 * What a reader found: the parsed annotations (in input order), the records it could not parse, and the
 * class list it knows from the source (empty when the source does not define one).
 */
public record ReadResult(List<Annotation> annotations, List<Skipped> skipped, List<ClassInfo> sourceClasses) {
    public ReadResult {
        annotations = List.copyOf(annotations);
        skipped = List.copyOf(skipped);
        sourceClasses = List.copyOf(sourceClasses);
    }

    public int inputRecords() {
        return annotations.size() + skipped.size();
    }
}
