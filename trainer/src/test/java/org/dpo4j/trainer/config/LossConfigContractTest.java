package org.dpo4j.trainer.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.dpo4j.losses.NllRegularized;
import org.dpo4j.losses.PreferenceLoss;
import org.dpo4j.losses.PreferenceLossClasses;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The loss family's contract, so that a loss cannot be added without its config or its example:
 * every {@link LossConfig} record is registered under one {@code type} name, binds from that name
 * alone (every key has a default), writes back the tree it was read from ({@code type} first),
 * and builds a loss of that name; every type has an example under {@code configs/losses/}; and
 * every {@link PreferenceLoss} of the losses module is built by one of those examples.
 */
class LossConfigContractTest {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .build();

    /** The {@code loss} node of each file under configs/losses/, by file name. */
    private static Map<String, LossConfig> examples;

    @BeforeAll
    static void readTheExamples() throws IOException {
        Path dir = Path.of("..", "configs", "losses"); // from the module folder, as the poms find ../shared
        YAMLMapper yaml = new YAMLMapper();
        examples = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                JsonNode loss = yaml.readTree(f.toFile()).get("loss");
                assertTrue(loss != null && loss.has("type"), f + " has no loss.type");
                examples.put(f.getFileName().toString(), JSON.treeToValue(loss, LossConfig.class));
            }
        }
        assertFalse(examples.isEmpty(), "no examples under " + dir);
    }

    @Test
    void everyRecordIsRegisteredOnceAndEveryRegistrationIsARecord() {
        List<Class<?>> registered = Arrays.stream(LossConfig.class.getAnnotation(JsonSubTypes.class).value())
                .map(JsonSubTypes.Type::value).toList();
        List<Class<?>> permitted = List.of(LossConfig.class.getPermittedSubclasses());
        assertEquals(new HashSet<>(permitted), new HashSet<>(registered), "@JsonSubTypes and the records differ");
        assertEquals(permitted.size(), registered.size(), "a record is registered twice");
        Set<String> names = new HashSet<>();
        for (JsonSubTypes.Type t : LossConfig.class.getAnnotation(JsonSubTypes.class).value()) {
            assertFalse(t.name().isEmpty(), t.value() + " must have a name");
            assertTrue(names.add(t.name()), "type " + t.name() + " is registered twice");
            for (String alias : t.names()) {
                assertTrue(names.add(alias), "type " + alias + " is registered twice");
            }
        }
    }

    /** TRL's names bind to the same record and write back under dpo4j's name. */
    @Test
    void aliasesBindToTheirRecordAndWriteBackItsName() throws IOException {
        for (JsonSubTypes.Type t : LossConfig.class.getAnnotation(JsonSubTypes.class).value()) {
            for (String alias : t.names()) {
                LossConfig config = JSON.treeToValue(JSON.createObjectNode().put("type", alias), LossConfig.class);
                assertInstanceOf(t.value(), config);
                assertEquals(t.name(), config.type());
                assertEquals(t.name(), JSON.valueToTree(config).get("type").asText());
            }
        }
        assertEquals("dpo", JSON.treeToValue(JSON.createObjectNode().put("type", "sigmoid"), LossConfig.class).type());
        assertEquals("aot_pair",
                JSON.treeToValue(JSON.createObjectNode().put("type", "aot_unpaired"), LossConfig.class).type());
    }

    @TestFactory
    Stream<DynamicTest> everyTypeBindsFromItsNameAloneAndRoundTrips() {
        return Arrays.stream(LossConfig.class.getPermittedSubclasses()).map(record -> DynamicTest.dynamicTest(
                record.getSimpleName(), () -> {
                    String type = typeName(record);
                    LossConfig config = JSON.treeToValue(JSON.createObjectNode().put("type", type), LossConfig.class);
                    assertInstanceOf(record, config);
                    assertEquals(type, config.type());

                    ObjectNode tree = JSON.valueToTree(config);
                    assertEquals("type", tree.fieldNames().next(), "type is written first: " + tree);
                    assertEquals(type, tree.get("type").asText());
                    assertEquals(record.getRecordComponents().length + 1, tree.size(), "every key is written: " + tree);
                    LossConfig reread = JSON.treeToValue(tree, LossConfig.class);
                    assertEquals(config, reread);
                    assertEquals(tree, JSON.valueToTree(reread));

                    PreferenceLoss loss = config.create();
                    assertEquals(type, loss.name());
                    assertFalse(loss instanceof NllRegularized, "no RPO term without rpo_alpha");
                    assertTrue(loss.inner().isEmpty() || loss.name().equals("combined"),
                            "no wrapper without its key: " + loss);
                }));
    }

    @Test
    void everyTypeHasAnExampleThatNamesIt() {
        Set<String> used = new HashSet<>();
        examples.values().forEach(c -> used.add(c.type()));
        for (Class<?> record : LossConfig.class.getPermittedSubclasses()) {
            String type = typeName(record);
            assertTrue(used.contains(type), "no file under configs/losses/ has loss.type " + type);
        }
        examples.forEach((file, c) -> assertEquals(c.type(), c.create().name(), file));
    }

    @Test
    void everyLossClassIsBuiltByAnExample() {
        Set<Class<?>> built = new HashSet<>();
        List<String> rpo = new ArrayList<>();
        examples.forEach((file, c) -> {
            PreferenceLoss loss = c.create();
            addWithInner(loss, built);
            if (c.rpoAlpha() != null) {
                rpo.add(file);
            }
        });
        for (Class<?> permitted : PreferenceLossClasses.all()) {
            assertTrue(built.contains(permitted), permitted.getSimpleName() + " is built by no file under configs/losses/");
        }
        assertFalse(rpo.isEmpty(), "no example sets rpo_alpha");
    }

    /** A loss's class and those of the losses it wraps or combines ({@link PreferenceLoss#inner()}). */
    private static void addWithInner(PreferenceLoss loss, Set<Class<?>> built) {
        built.add(loss.getClass());
        loss.inner().forEach(inner -> addWithInner(inner, built));
    }

    private static String typeName(Class<?> record) {
        for (JsonSubTypes.Type t : LossConfig.class.getAnnotation(JsonSubTypes.class).value()) {
            if (t.value() == record) {
                return t.name();
            }
        }
        throw new AssertionError(record + " is not registered on LossConfig");
    }
}
