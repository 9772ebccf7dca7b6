package org.dpo4j.trainer.checkpoint;

import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.dpo4j.trainer.common.UserInputException;

/**
 * The parsed and validated JSON header of a safetensors file:
 * {@code {"__metadata__": {str: str} (optional), name: {"dtype": str, "shape": [int...],
 * "data_offsets": [begin, end]}...}}, offsets relative to the first byte after the header.
 *
 * @param metadata the {@code __metadata__} strings (empty when absent)
 * @param entries  name to entry, in header order (which need not be data order)
 */
record SafetensorsHeader(Map<String, String> metadata, Map<String, TensorEntry> entries) {

    static final String METADATA_KEY = "__metadata__";

    // Duplicate names would silently shadow each other; anything but spaces after the object
    // means the length prefix and the JSON disagree.
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** Longest JSON excerpt quoted in a message, so that messages stay one short line. */
    private static final int QUOTE_LIMIT = 60;

    /**
     * Parses and checks a header.
     *
     * @param file      the file, for messages
     * @param bytes     the header's bytes (UTF-8 JSON, possibly padded with trailing spaces)
     * @param dataBytes size of the data section that follows the header
     * @throws UserInputException (one line, naming the file and tensor) when the header is not
     *     UTF-8 JSON, not an object, or has an entry without dtype, shape or data_offsets, of a
     *     dtype the format does not define, whose offsets do not span shape product × dtype size
     *     bytes, or that ends past the data section; or when the tensors, in offset order, are not
     *     contiguous from byte 0 to the end of the data section (as the safetensors library checks)
     */
    static SafetensorsHeader parse(Path file, byte[] bytes, long dataBytes) {
        JsonNode root = parseJson(file, bytes);
        if (!root.isObject()) {
            throw new UserInputException(file + ": safetensors header is not a JSON object (found "
                    + root.getNodeType().toString().toLowerCase() + ")");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, TensorEntry> entries = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (field.getKey().equals(METADATA_KEY)) {
                metadata.putAll(metadata(file, field.getValue()));
            } else {
                TensorEntry entry = entry(file, field.getKey(), field.getValue());
                checkSize(file, entry);
                checkWithinData(file, entry, dataBytes);
                entries.put(entry.name(), entry);
            }
        }
        checkLayout(file, entries.values(), dataBytes);
        return new SafetensorsHeader(
                Collections.unmodifiableMap(metadata), Collections.unmodifiableMap(entries));
    }

    private static JsonNode parseJson(Path file, byte[] bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new UserInputException(file + ": safetensors header is not valid UTF-8");
        }
        try {
            JsonNode root = JSON.readTree(text);
            if (root == null || root.isMissingNode()) {
                throw new UserInputException(file + ": safetensors header is empty (expected a JSON object)");
            }
            return root;
        } catch (JsonProcessingException e) {
            long at = e.getLocation() == null ? -1 : e.getLocation().getCharOffset();
            throw new UserInputException(file + ": safetensors header is not valid JSON ("
                    + oneLine(e.getOriginalMessage()) + (at >= 0 ? " at character " + at : "") + ")");
        }
    }

    /** Keeps text values as they are and writes other values as JSON: the strings are informative only. */
    private static Map<String, String> metadata(Path file, JsonNode node) {
        if (!node.isObject()) {
            throw new UserInputException(file + ": " + METADATA_KEY + " must be an object of strings, found "
                    + quote(node));
        }
        Map<String, String> out = new LinkedHashMap<>();
        node.properties().forEach(f -> out.put(f.getKey(), f.getValue().isTextual()
                ? f.getValue().asText() : f.getValue().toString()));
        return out;
    }

    private static TensorEntry entry(Path file, String name, JsonNode node) {
        String where = file + ": tensor " + name;
        if (!node.isObject()) {
            throw new UserInputException(where + ": expected an object with dtype, shape and data_offsets, found "
                    + quote(node));
        }
        JsonNode dtype = required(where, node, "dtype");
        if (!dtype.isTextual()) {
            throw new UserInputException(where + ": dtype must be a string such as \"F32\", found " + quote(dtype));
        }
        long[] dims = naturals(where, "shape", required(where, node, "shape"), -1, "a list of integers >= 0");
        long[] offsets = naturals(where, "data_offsets", required(where, node, "data_offsets"), 2,
                "[begin, end] with 0 <= begin <= end");
        if (offsets[0] > offsets[1]) {
            throw new UserInputException(where + ": data_offsets must be [begin, end] with 0 <= begin <= end, found "
                    + quote(node.get("data_offsets")));
        }
        long count = 1;
        for (long d : dims) {
            try {
                count = Math.multiplyExact(count, d);
            } catch (ArithmeticException e) {
                throw new UserInputException(where + ": shape " + quote(node.get("shape")) + " has too many elements");
            }
        }
        return new TensorEntry(name, dtype.asText(), new Shape(dims), offsets[0], offsets[1]);
    }

    private static JsonNode required(String where, JsonNode node, String key) {
        JsonNode value = node.get(key);
        if (value == null) {
            throw new UserInputException(where + " has no " + key + " (each tensor needs dtype, shape and data_offsets)");
        }
        return value;
    }

    /** A JSON list of integers >= 0 (of {@code length} items unless it is -1), as longs. */
    private static long[] naturals(String where, String key, JsonNode node, int length, String allowed) {
        boolean ok = node.isArray() && (length < 0 || node.size() == length);
        long[] out = new long[ok ? node.size() : 0];
        for (int i = 0; ok && i < out.length; i++) {
            JsonNode item = node.get(i);
            ok = item.isIntegralNumber() && item.canConvertToLong() && item.asLong() >= 0;
            out[i] = item.asLong();
        }
        if (!ok) {
            throw new UserInputException(where + ": " + key + " must be " + allowed + ", found " + quote(node));
        }
        return out;
    }

    /**
     * The dtype must be one the format defines (the safetensors library refuses others when it
     * parses the header, so {@code validate} does too), and the offsets must span exactly
     * elements × element size bytes.
     */
    private static void checkSize(Path file, TensorEntry entry) {
        Optional<StoredDtype> dtype = StoredDtype.named(entry.dtype());
        if (dtype.isEmpty()) {
            throw new UserInputException(file + ": tensor " + entry.name() + " has dtype \"" + entry.dtype()
                    + "\", which is not a safetensors dtype this reader knows (known: " + StoredDtype.KNOWN + ")");
        }
        long expected;
        try {
            expected = Math.multiplyExact(entry.elementCount(), dtype.get().bytes());
        } catch (ArithmeticException e) {
            expected = -1;
        }
        if (expected != entry.byteCount()) {
            throw new UserInputException(file + ": tensor " + entry.name() + " (" + entry.dtype() + ", shape "
                    + TensorEntry.format(entry.shape()) + ") has data_offsets [" + entry.begin() + ", " + entry.end()
                    + "] = " + entry.byteCount() + " bytes, expected " + (expected < 0 ? "more than 2^63" : expected)
                    + " (" + entry.elementCount() + " elements x " + dtype.get().bytes() + " bytes)");
        }
    }

    /**
     * The layout rule of the safetensors library ({@code Metadata::validate}): sorted by
     * {@code (begin, end)}, each tensor starts where the previous one ended (the first at 0), and
     * the last ends at the end of the file. So no two tensors share bytes (one could not be
     * written without changing the other) and no bytes belong to no tensor.
     */
    private static void checkLayout(Path file, Collection<TensorEntry> entries, long dataBytes) {
        List<TensorEntry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(TensorEntry::begin).thenComparingLong(TensorEntry::end));
        long covered = 0;
        TensorEntry previous = null;
        for (TensorEntry entry : sorted) {
            if (entry.begin() < covered) {
                throw new UserInputException(file + ": tensor " + entry.name() + " (data_offsets " + offsets(entry)
                        + ") overlaps tensor " + previous.name() + " (data_offsets " + offsets(previous)
                        + "); each tensor must have bytes of its own");
            }
            if (entry.begin() > covered) {
                throw new UserInputException(file + ": bytes " + covered + " to " + entry.begin()
                        + " of the data section belong to no tensor (tensor " + entry.name() + " starts at "
                        + entry.begin() + "); tensors must be contiguous");
            }
            covered = entry.end();
            previous = entry;
        }
        if (covered != dataBytes) {
            throw new UserInputException(file + ": the data section has " + dataBytes + " bytes, but the tensors"
                    + " cover " + covered + "; " + (dataBytes - covered) + " trailing bytes belong to no tensor");
        }
    }

    private static String offsets(TensorEntry entry) {
        return "[" + entry.begin() + ", " + entry.end() + "]";
    }

    private static void checkWithinData(Path file, TensorEntry entry, long dataBytes) {
        if (entry.end() > dataBytes) {
            throw new UserInputException(file + ": header points past the end of the file: tensor " + entry.name()
                    + " ends at byte " + entry.end() + ", data section has " + dataBytes + " bytes");
        }
    }

    private static String quote(JsonNode node) {
        String json = node.toString();
        return json.length() <= QUOTE_LIMIT ? json : json.substring(0, QUOTE_LIMIT) + "...";
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
