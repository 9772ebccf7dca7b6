package org.dpo4j.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.dpo4j.cli.SchemaCheck;
import org.dpo4j.cli.TestSupport;
import org.dpo4j.losses.ConfigChoice;
import org.dpo4j.losses.TdpoVariant;
import org.dpo4j.trainer.config.DataConfig;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** {@code dpo4j config schema}: valid JSON, complete, and in agreement with the loader. */
public class ConfigSchemaTest {

    private final ConfigLoader loader = new ConfigLoader();
    private final Path configs = TestSupport.projectRoot().resolve("configs");

    private JsonNode schema() throws IOException {
        TestSupport.Result r = TestSupport.run(TestSupport.env(new TestSupport.FakeTrainer(), configs), "config", "schema");
        assertEquals(0, r.code(), r.err());
        return new ObjectMapper().readTree(r.out()); // fails unless the output is valid JSON
    }

    @Test
    void isDraft202012AndNamesEveryKeyOfTheDefaultRun() throws IOException {
        JsonNode schema = schema();
        assertEquals(ConfigSchema.DRAFT, schema.get("$schema").asText());
        assertEquals(List.of(), SchemaCheck.problems(schema, loader.defaultsTree()));
        assertKeysIn(schema, loader.defaultsTree(), "");
    }

    /** Every key of {@code tree} has a property in the schema, with the tree's value as its default. */
    private static void assertKeysIn(JsonNode schema, JsonNode tree, String path) {
        for (Map.Entry<String, JsonNode> e : tree.properties()) {
            String key = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
            JsonNode property = path.equals("loss") ? dpoBranch(schema).path("properties").get(e.getKey())
                    : schema.path("properties").get(e.getKey());
            assertTrue(property != null, "the schema has no key " + key);
            if (e.getValue().isObject()) {
                assertKeysIn(e.getKey().equals("loss") ? schema.path("properties").get("loss") : property, e.getValue(), key);
            } else if (!key.equals("loss.type")) {
                assertEquals(e.getValue(), property.get("default"), "default of " + key);
            }
        }
    }

    private static JsonNode dpoBranch(JsonNode lossSchema) {
        for (JsonNode b : lossSchema.get("oneOf")) {
            if (b.path("properties").path("type").path("const").asText().equals("dpo")) {
                return b;
            }
        }
        throw new AssertionError("no dpo branch");
    }

    @Test
    void typesEnumsAndLossBranchesComeFromTheRecords() throws IOException {
        JsonNode p = schema().get("properties");
        assertEquals(DataConfig.FORMATS, strings(p.at("/data/properties/format/enum")));
        assertEquals("integer", p.at("/train/properties/batch_size/type").asText());
        assertEquals("[\"integer\",\"null\"]", p.at("/train/properties/epochs/type").toString());
        // either-or: max_steps may be null (when epochs is set), lr may not
        assertEquals("[\"integer\",\"null\"]", p.at("/train/properties/max_steps/type").toString());
        assertEquals("number", p.at("/optim/properties/lr/type").asText());
        assertEquals("array", p.at("/optim/properties/betas/type").asText());
        JsonNode branches = p.at("/loss/oneOf");
        assertEquals(29, branches.size(), "one branch per loss type name (aliases included)");
        JsonNode tdpo = null;
        for (JsonNode b : branches) {
            if (b.at("/properties/type/const").asText().equals("tdpo")) {
                tdpo = b;
            }
        }
        assertTrue(tdpo != null);
        assertEquals(0.5, tdpo.at("/properties/alpha/default").asDouble());
        assertEquals("tdpo2", tdpo.at("/properties/variant/default").asText());
        assertTrue(strings(tdpo.at("/properties/variant/enum")).containsAll(ConfigChoice.configNames(TdpoVariant.class)));
        assertEquals("[\"type\"]", tdpo.get("required").toString());
        assertFalse(tdpo.get("additionalProperties").asBoolean());
    }

    private static List<String> strings(JsonNode array) {
        return Stream.iterate(0, i -> i < array.size(), i -> i + 1)
                .map(array::get).filter(n -> !n.isNull()).map(JsonNode::asText).toList();
    }

    @Test
    void rejectsUnknownKeysWrongTypesAndKeysOfAnotherLoss() throws IOException {
        JsonNode schema = schema();
        ObjectMapper json = new ObjectMapper();
        assertFalse(SchemaCheck.problems(schema, json.readTree("{\"loss\": {\"bta\": 0.2}}")).isEmpty());
        assertFalse(SchemaCheck.problems(schema, json.readTree("{\"modle\": {}}")).isEmpty());
        assertFalse(SchemaCheck.problems(schema, json.readTree("{\"train\": {\"batch_size\": \"8\"}}")).isEmpty());
        assertFalse(SchemaCheck.problems(schema, json.readTree("{\"schedule\": {\"type\": \"step\"}}")).isEmpty());
        assertFalse(SchemaCheck.problems(schema, json.readTree("{\"train\": {\"device\": \"tpu\"}}")).isEmpty());
        // tau is discopop's key, not fdpo's; without a type the loss node is the default type's (dpo)
        assertFalse(SchemaCheck.problems(schema, json.readTree("{\"loss\": {\"type\": \"fdpo\", \"tau\": 1}}")).isEmpty());
        assertFalse(SchemaCheck.problems(schema, json.readTree("{\"loss\": {\"tau\": 1}}")).isEmpty());
        assertEquals(List.of(), SchemaCheck.problems(schema, json.readTree("{\"loss\": {\"type\": \"discopop\", \"tau\": 1}}")));
        assertEquals(List.of(), SchemaCheck.problems(schema, json.readTree("{\"loss\": {\"beta\": 0.3}}")));
        assertEquals(List.of(), SchemaCheck.problems(schema, json.readTree("{\"train\": {\"device\": \"gpu:1\"}}")));
    }

    /** Every config file under configs/ but the sweep files (configs/sweeps/, *-sweep.yaml) validates against the schema. */
    @TestFactory
    Stream<DynamicTest> everyConfigFileValidates() throws IOException {
        JsonNode schema = schema();
        List<Path> files;
        try (Stream<Path> s = Files.walk(configs)) {
            files = s.filter(Files::isRegularFile).filter(f -> !configs.relativize(f).startsWith("sweeps"))
                    .filter(f -> !f.getFileName().toString().endsWith("-sweep.yaml")).sorted().toList();
        }
        assertFalse(files.isEmpty());
        return files.stream().map(f -> DynamicTest.dynamicTest(configs.relativize(f).toString(), () -> {
            ObjectNode tree = loader.readFile(new Source.ConfigFile(f, f.toString(), f.toString().endsWith(".json")));
            assertEquals(List.of(), SchemaCheck.problems(schema, tree));
        }));
    }
}
