package io.sparkinception.trainer.ml;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.Identifiable;

/**
 * A {@code Param} holding string keys and values, stored as a JSON object by ML persistence (Spark's own
 * {@code Param} encodes only strings, vectors and matrices).
 */
public final class StringMapParam extends Param<Map<String, String>> {
    private static final ObjectMapper JSON = new ObjectMapper();

    public StringMapParam(Identifiable parent, String name, String doc) {
        super(parent, name, doc);
    }

    @Override
    public String jsonEncode(Map<String, String> value) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + name() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Map<String, String> jsonDecode(String json) {
        try {
            return Map.copyOf(JSON.readValue(json, new TypeReference<Map<String, String>>() { }));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("param " + name() + " is not a JSON object of strings: " + json, e);
        }
    }
}
