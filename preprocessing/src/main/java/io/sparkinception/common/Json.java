package io.sparkinception.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one JSON mapper of the project: every JSON file it writes or reads goes through here.
 *
 * <ul>
 *   <li>snake_case names ({@code top1Error} is {@code top1_error}); unknown fields are ignored when reading, so
 *       older readers accept newer files;</li>
 *   <li>stable field order: a record's fields in declaration order, a map's entries in its iteration order
 *       (use a {@code LinkedHashMap} or {@code TreeMap});</li>
 *   <li>files meant to be read by people are indented ({@link #toJson}); one-object-per-line logs are compact
 *       ({@link #toJsonLine});</li>
 *   <li>non-finite doubles are Jackson's default: written as the strings {@code "NaN"}, {@code "Infinity"},
 *       {@code "-Infinity"} and read back as the same doubles. Renderers that want {@code null} instead (the
 *       report) convert before serializing.</li>
 * </ul>
 */
public final class Json {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    private static final ObjectWriter LINE = MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }

    /** The configured mapper, for reading into types and trees. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** {@code value} as indented JSON (a file meant to be read). */
    public static String toJson(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON: " + e.getMessage(), e);
        }
    }

    /** {@code value} as JSON on one line (a record of a JSON-lines log, or a value printed for a program). */
    public static String toJsonLine(Object value) {
        try {
            return LINE.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON: " + e.getMessage(), e);
        }
    }

    /** Reads {@code json} into {@code type}; a malformed text is an exception naming {@code source}. */
    public static <T> T read(String json, Class<T> type, String source) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": not a valid " + type.getSimpleName() + " JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    /** Reads {@code json} as a tree; a malformed text is an exception naming {@code source}. */
    public static JsonNode tree(String json, String source) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
    }
}
