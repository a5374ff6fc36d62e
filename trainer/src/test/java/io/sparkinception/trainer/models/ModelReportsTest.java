package io.sparkinception.trainer.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/** What the {@code models} subcommand prints: counts, FLOPs and endpoint shapes, as text and as JSON. */
class ModelReportsTest {

    private static final ModelSpec V3_AT_75 = ModelSpec.defaults(ModelFamily.INCEPTION_V3, 51).withInputSize(75);
    private static final ModelSpec GOOGLENET = ModelSpec.defaults(ModelFamily.GOOGLENET, 1000).withAuxHeads(false);

    @Test
    void jsonHasExactlyTheDocumentedShape() throws Exception {
        ModelReport v3 = ModelReports.describe(V3_AT_75);
        ModelReport g = ModelReports.describe(GOOGLENET);
        JsonNode root = new ObjectMapper().readTree(ModelReports.toJson(List.of(v3, g)));
        assertTrue(root.isArray());
        assertEquals(2, root.size());
        JsonNode first = root.get(0);
        assertEquals(List.of("family", "params", "flops_per_image", "endpoints"), fieldNames(first));
        assertEquals("inception-v3", first.get("family").asText());
        assertEquals(v3.params(), first.get("params").asLong());
        assertEquals(v3.trainingFlopsPerImage(), first.get("flops_per_image").asLong());
        JsonNode endpoints = first.get("endpoints");
        assertEquals(v3.endpoints().size(), endpoints.size());
        assertEquals(List.of("name", "shape"), fieldNames(endpoints.get(0)));
        assertEquals("Conv2d_1a_3x3", endpoints.get(0).get("name").asText());
        assertEquals("[37,37,32]", endpoints.get(0).get("shape").toString());
        assertEquals("Logits", endpoints.get(endpoints.size() - 2).get("name").asText());
        assertEquals("[51]", endpoints.get(endpoints.size() - 2).get("shape").toString());
        assertEquals(7_005_832, root.get(1).get("params").asLong());
        assertEquals(6 * 1_582_671_872L, root.get(1).get("flops_per_image").asLong());
        assertEquals("[]", ModelReports.toJson(List.of()));
    }

    @Test
    void textNamesTheSpecCountsAndEveryEndpoint() {
        String text = ModelReports.toText(List.of(ModelReports.describe(GOOGLENET)));
        assertTrue(text.startsWith("googlenet: 224x224x3 input, 1000 classes, width 1.0, aux heads off\n"), text);
        assertTrue(text.contains("  parameters: 7,005,832 trainable (+ 14,560 batch-norm running statistics)\n"), text);
        assertTrue(text.contains("  training FLOPs per image: 9,496,031,232 (9.50 GFLOP;"), text);
        assertTrue(text.contains("  Mixed_4e        14x14x528\n"), text);
        assertTrue(text.contains("  Logits          1000\n"), text);
    }

    @Test
    void trainingFlopsAreThreeTimesForwardAndAuxHeadsCount() {
        ModelReport with = ModelReports.describe(V3_AT_75);
        ModelReport without = ModelReports.describe(V3_AT_75.withAuxHeads(false));
        assertEquals(3 * with.forwardFlopsPerImage(), with.trainingFlopsPerImage());
        assertEquals(2 * with.forwardMultiplyAdds(), with.forwardFlopsPerImage());
        assertTrue(with.forwardMultiplyAdds() > without.forwardMultiplyAdds());
        // Hand count for the first layer: 37 x 37 outputs x 32 filters x 3x3x3 inputs.
        ModelReport stemOnly = ModelReports.describe(V3_AT_75.withAuxHeads(false));
        assertTrue(stemOnly.forwardMultiplyAdds() > 37L * 37 * 32 * 27);
    }

    @Test
    void jsonStringsAreEscaped() throws Exception {
        String hostile = "a\"b\\c\n\u0001";
        ModelReport r = new ModelReport(GOOGLENET, new ParameterCount(1, 0), 1,
                List.of(new ModelReport.Endpoint(hostile, List.of(1L))));
        String json = ModelReports.toJson(List.of(r));
        assertTrue(json.contains("\"a\\\"b\\\\c\\n\\u0001\""), json);
        assertEquals(hostile, new ObjectMapper().readTree(json).get(0).get("endpoints").get(0).get("name").asText());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
