package io.sparkinception.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    record Sample(String zName, double top1Error, List<Integer> aList, Map<String, Double> byModel) {
    }

    @Test
    void recordsAreSnakeCaseInDeclarationOrder() {
        String json = Json.toJsonLine(new Sample("x", 0.5, List.of(1, 2), Map.of("m", 1.0)));
        assertEquals("{\"z_name\":\"x\",\"top1_error\":0.5,\"a_list\":[1,2],\"by_model\":{\"m\":1.0}}", json);
    }

    @Test
    void filesAreIndentedAndReadBack() {
        Sample s = new Sample("x", 0.25, List.of(3), Map.of());
        String json = Json.toJson(s);
        assertTrue(json.contains("\n  \"z_name\" : \"x\""), json);
        assertEquals(s, Json.read(json, Sample.class, "test"));
    }

    @Test
    void nonFiniteDoublesRoundTripAsStrings() {
        String json = Json.toJsonLine(new Sample("x", Double.NaN, List.of(), Map.of("inf", Double.POSITIVE_INFINITY)));
        assertEquals("{\"z_name\":\"x\",\"top1_error\":\"NaN\",\"a_list\":[],\"by_model\":{\"inf\":\"Infinity\"}}", json);
        Sample back = Json.read(json, Sample.class, "test");
        assertTrue(Double.isNaN(back.top1Error()));
        assertEquals(Double.POSITIVE_INFINITY, back.byModel().get("inf"));
    }

    @Test
    void unknownFieldsAreIgnoredAndBadTextNamesItsSource() {
        JsonNode tree = Json.tree("{\"z_name\":\"x\",\"extra\":1}", "t");
        assertEquals("x", Json.read(tree.toString(), Sample.class, "t").zName());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Json.read("{", Sample.class, "/out/summary.json"));
        assertTrue(e.getMessage().startsWith("/out/summary.json: "), e.getMessage());
    }
}
