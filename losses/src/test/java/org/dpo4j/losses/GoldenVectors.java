package org.dpo4j.losses;

import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads the golden loss-vector folders (see {@code golden/losses/README.md} and
 * {@code golden/losses-2/README.md}) named by the system property {@code golden.dir}, a
 * comma-separated list: each folder's {@code index.json}, the loss files it lists and the logits and
 * multi-completion inputs. Nothing here knows case ids or counts, so any folder of the same format
 * works.
 */
final class GoldenVectors {

    static final String DIR_PROPERTY = "golden.dir";

    private static final JsonMapper JSON = JsonMapper.builder()
            // Python's json module writes NaN/Infinity; accept them rather than fail obscurely.
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();
    private static final Map<Path, JsonNode> CACHE = new ConcurrentHashMap<>();

    private GoldenVectors() {}

    /** One expected-output case of one loss file, with the folder it came from. */
    record GoldenCase(
            Path folder,
            String loss,
            String id,
            String logitsCase,
            String multiCase,
            Set<String> tags,
            JsonNode hyperparameters,
            JsonNode seqInputs,
            JsonNode expected) {

        boolean hasLogits() {
            return logitsCase != null;
        }

        boolean hasMultiInputs() {
            return multiCase != null;
        }

        boolean tagged(String tag) {
            return tags.contains(tag);
        }

        @Override
        public String toString() {
            return id;
        }
    }

    /**
     * The folders named by {@code golden.dir}, a comma-separated list; fails the test with a clear
     * message if it is unset or a folder is unusable.
     */
    static List<Path> directories() {
        String value = System.getProperty(DIR_PROPERTY);
        if (value == null || value.isBlank()) {
            fail("System property '" + DIR_PROPERTY + "' is not set: it must name the golden loss-vector"
                    + " folders, comma-separated (the parent pom sets ../shared/golden/losses and losses-2)");
        }
        List<Path> dirs = new ArrayList<>();
        for (String part : value.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            Path dir = Path.of(part.trim()).toAbsolutePath().normalize();
            if (!Files.isDirectory(dir)) {
                fail(DIR_PROPERTY + " entry " + part.trim() + " is not a directory (resolved: " + dir + ")");
            }
            if (!Files.isRegularFile(dir.resolve("index.json"))) {
                fail(DIR_PROPERTY + " entry " + dir + " has no index.json");
            }
            dirs.add(dir);
        }
        if (dirs.isEmpty()) {
            fail(DIR_PROPERTY + "=" + value + " names no folder");
        }
        return dirs;
    }

    /** The first folder of {@code golden.dir}: the logits inputs that the non-loss tests read. */
    static Path directory() {
        return directories().get(0);
    }

    static JsonNode index(Path dir) {
        return read(dir.resolve("index.json"));
    }

    /** The loss names that a folder's {@code index.json} lists, in its order. */
    static List<String> indexedLosses(Path dir) {
        List<String> names = new ArrayList<>();
        index(dir).path("losses").fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** The index entry of a loss ({@code file}, {@code n_cases}), or a missing node. */
    static JsonNode indexEntry(Path dir, String loss) {
        return index(dir).path("losses").path(loss);
    }

    /** The vector file of a loss: as the index names it, else {@code <loss>.json}. */
    static Path lossFile(Path dir, String loss) {
        JsonNode file = indexEntry(dir, loss).path("file");
        return dir.resolve(file.isTextual() ? file.asText() : loss + ".json");
    }

    /** The whole vector file of a loss; fails if it is absent. */
    static JsonNode lossDocument(Path dir, String loss) {
        Path file = lossFile(dir, loss);
        if (!Files.isRegularFile(file)) {
            fail("golden vectors for loss '" + loss + "' are missing: no " + file);
        }
        return read(file);
    }

    /** Every case of a loss, with the file's default hyper-parameters under the case's own. */
    static List<GoldenCase> cases(Path dir, String loss) {
        JsonNode doc = lossDocument(dir, loss);
        JsonNode defaults = doc.path("default_hyperparameters");
        List<GoldenCase> cases = new ArrayList<>();
        for (JsonNode c : doc.path("cases")) {
            ObjectNode hp = JSON.createObjectNode();
            if (defaults.isObject()) {
                hp.setAll((ObjectNode) defaults);
            }
            if (c.path("hyperparameters").isObject()) {
                hp.setAll((ObjectNode) c.get("hyperparameters"));
            }
            Set<String> tags = new LinkedHashSet<>();
            c.path("tags").forEach(t -> tags.add(t.asText()));
            JsonNode logitsCase = c.path("logits_case");
            JsonNode multiCase = c.path("multi_case");
            cases.add(new GoldenCase(
                    dir,
                    loss,
                    c.required("id").asText(),
                    logitsCase.isTextual() ? logitsCase.asText() : null,
                    multiCase.isTextual() ? multiCase.asText() : null,
                    Set.copyOf(tags),
                    hp,
                    c.path("seq_inputs"),
                    c.required("expected")));
        }
        return cases;
    }

    /** The ids of every case of the first folder's logits inputs file, in file order. */
    static List<String> logitsCaseIds() {
        List<String> ids = new ArrayList<>();
        inputs(directory(), "inputs_file", "inputs_logits.json").path("cases").fieldNames().forEachRemaining(ids::add);
        return ids;
    }

    /** One case of the first folder's logits inputs file. */
    static JsonNode logitsInput(String caseId) {
        return logitsInput(directory(), caseId);
    }

    /** One case of a folder's logits inputs file ({@code inputs_logits.json} unless the index says else). */
    static JsonNode logitsInput(Path dir, String caseId) {
        return inputCase(dir, "inputs_file", "inputs_logits.json", caseId);
    }

    /** One case of a folder's multi-completion inputs ({@code inputs_multi.json} unless the index says else). */
    static JsonNode multiInput(Path dir, String caseId) {
        return inputCase(dir, "inputs_multi_file", "inputs_multi.json", caseId);
    }

    private static JsonNode inputCase(Path dir, String indexKey, String fallback, String caseId) {
        JsonNode input = inputs(dir, indexKey, fallback).path("cases").path(caseId);
        if (!input.isObject()) {
            fail(inputsFile(dir, indexKey, fallback) + " has no case '" + caseId + "'");
        }
        return input;
    }

    private static Path inputsFile(Path dir, String indexKey, String fallback) {
        JsonNode name = index(dir).path(indexKey);
        return dir.resolve(name.isTextual() ? name.asText() : fallback);
    }

    private static JsonNode inputs(Path dir, String indexKey, String fallback) {
        Path file = inputsFile(dir, indexKey, fallback);
        if (!Files.isRegularFile(file)) {
            fail("golden inputs are missing: no " + file);
        }
        return read(file);
    }

    /** A nested JSON number array (or a single number) as an NDArray of the given type. */
    static NDArray array(NDManager manager, JsonNode node, DataType type) {
        return manager.create(doubles(node), shapeOf(node)).toType(type, false);
    }

    /** A nested JSON integer array as an INT64 NDArray. */
    static NDArray longArray(NDManager manager, JsonNode node) {
        double[] data = doubles(node);
        long[] longs = new long[data.length];
        for (int i = 0; i < data.length; i++) {
            longs[i] = (long) data[i];
            if (longs[i] != data[i]) {
                throw new IllegalArgumentException("not an integer: " + data[i]);
            }
        }
        return manager.create(longs, shapeOf(node));
    }

    /** A JSON array of zeros shaped like {@code node} (a flat array of numbers). */
    static JsonNode zerosLike(JsonNode node) {
        com.fasterxml.jackson.databind.node.ArrayNode zeros = JSON.createArrayNode();
        for (int i = 0; i < node.size(); i++) {
            zeros.add(0.0);
        }
        return zeros;
    }

    /** A nested JSON number array (or a number) flattened in row-major order. */
    static double[] doubles(JsonNode node) {
        double[] data = new double[Math.toIntExact(shapeOf(node).size())];
        int[] next = {0};
        flatten(node, data, next);
        if (next[0] != data.length) {
            throw new IllegalArgumentException("ragged JSON array");
        }
        return data;
    }

    /** The shape of a rectangular nested JSON array; () for a number. */
    static Shape shapeOf(JsonNode node) {
        List<Long> dims = new ArrayList<>();
        for (JsonNode n = node; n.isArray(); n = n.path(0)) {
            dims.add((long) n.size());
        }
        return new Shape(dims.stream().mapToLong(Long::longValue).toArray());
    }

    private static void flatten(JsonNode node, double[] out, int[] next) {
        if (node.isArray()) {
            for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                flatten(it.next(), out, next);
            }
        } else if (node.isNumber()) {
            if (next[0] >= out.length) {
                throw new IllegalArgumentException("ragged JSON array");
            }
            out[next[0]++] = node.asDouble();
        } else {
            throw new IllegalArgumentException("expected a number, got " + node.getNodeType());
        }
    }

    private static JsonNode read(Path file) {
        return CACHE.computeIfAbsent(file, f -> {
            try {
                return JSON.readTree(f.toFile());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read golden file " + f, e);
            }
        });
    }
}
