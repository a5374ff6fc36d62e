package io.sparkinception.trainer.sparkml;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.sparkinception.common.Json;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.Identifiable;

/**
 * A {@code Param} holding string keys and values, stored as a JSON object by ML persistence (Spark's own
 * {@code Param} encodes only strings, vectors and matrices).
 */
public final class StringMapParam extends Param<Map<String, String>> {

    public StringMapParam(Identifiable parent, String name, String doc) {
        super(parent, name, doc);
    }

    /** An unmodifiable copy ordered by key (stable {@code toString} and JSON), rejecting null keys and values. */
    public static Map<String, String> sorted(Map<String, String> m) {
        TreeMap<String, String> copy = new TreeMap<>();
        m.forEach((k, v) -> {
            if (k == null || v == null) {
                throw new IllegalArgumentException("null key or value in " + m);
            }
            copy.put(k, v);
        });
        return Collections.unmodifiableMap(copy);
    }

    @Override
    public String jsonEncode(Map<String, String> value) {
        return Json.toJsonLine(sorted(value));
    }

    @Override
    public Map<String, String> jsonDecode(String json) {
        try {
            return sorted(Json.mapper().readValue(json, new TypeReference<Map<String, String>>() { }));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("param " + name() + " is not a JSON object of strings: " + json, e);
        }
    }
}
