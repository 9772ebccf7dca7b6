package org.dpo4j.trainer.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.dpo4j.trainer.common.UserInputException;

/**
 * A Hugging Face {@code config.json} being read: typed access to its keys, where a missing or
 * null key takes the caller's default and a key of the wrong type fails naming the file and the
 * key. Each {@link ModelFamily} reads its own keys through this.
 */
public final class HfConfigJson {

    private final Path file;
    private final JsonNode json;

    /**
     * @param file where the JSON came from, for messages
     * @param json its top-level object
     */
    public HfConfigJson(Path file, JsonNode json) {
        this.file = file;
        this.json = json;
    }

    /** Whether {@code key} is present with a non-null value. */
    public boolean hasNonNull(String key) {
        return json.hasNonNull(key);
    }

    /** Whether {@code key} is present, even as null. */
    public boolean has(String key) {
        return json.has(key);
    }

    /** The value under {@code key}, a missing node when absent. */
    public JsonNode node(String key) {
        return json.path(key);
    }

    /** A positive integer, or {@code fallback} when absent or null. */
    public int integer(String key, int fallback) {
        JsonNode node = json.get(key);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.canConvertToInt() || !node.isIntegralNumber() || node.asInt() <= 0) {
            throw fail(key + " must be a positive integer, found " + node);
        }
        return node.asInt();
    }

    /** A number, or {@code fallback} when absent or null. */
    public double number(String key, double fallback) {
        JsonNode node = json.get(key);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isNumber()) {
            throw fail(key + " must be a number, found " + node);
        }
        return node.asDouble();
    }

    /** A boolean, or {@code fallback} when absent or null. */
    public boolean bool(String key, boolean fallback) {
        JsonNode node = json.get(key);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isBoolean()) {
            throw fail(key + " must be true or false, found " + node);
        }
        return node.asBoolean();
    }

    /** A string, or {@code fallback} when absent or null. */
    public String text(String key, String fallback) {
        JsonNode node = json.get(key);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isTextual()) {
            throw fail(key + " must be a string, found " + node);
        }
        return node.asText();
    }

    /** The error for {@code what}, prefixed with the file. */
    public UserInputException fail(String what) {
        return new UserInputException(file + ": " + what);
    }
}
