package org.dpo4j.trainer.data.source;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The JSON parsing and wording shared by the JSONL and JSON readers. */
final class RecordJson {

    /**
     * A repeated key would silently keep only its last value (which of two "chosen" was meant?),
     * so it is an error.
     */
    static final ObjectMapper MAPPER = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private RecordJson() {}

    /** {@code an object}, {@code an array}, {@code a string}, {@code null}: for "got ..." messages. */
    static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    static String notAnObject(JsonNode node) {
        return "not a JSON object (got " + describe(node) + ")";
    }

    /**
     * Jackson's description of a syntax error, one line, without the "[Source: ...]" blocks that
     * only repeat where the error is; {@code withLine} keeps the line of a position it mentions
     * (JSON files), otherwise only the column (JSONL, where the line is already known).
     */
    static String why(JsonProcessingException e, boolean withLine) {
        String message = String.valueOf(e.getOriginalMessage());
        String position = withLine ? "line $1, column $2" : "column $2";
        message = message.replaceAll("\\[Source: [^\\]]*?; line: (\\d+), column: (\\d+)\\]", position);
        return SourceFiles.oneLine(message).replaceAll("\\s+", " ").trim();
    }

    /**
     * Whether Jackson refused valid JSON because it exceeds one of its limits (a string of more
     * than 20,000,000 characters, very deep nesting, a number of more than 1,000 digits) rather
     * than because it is malformed; its message names the limit.
     */
    static boolean overLimit(JsonProcessingException e) {
        return e instanceof StreamConstraintsException;
    }

    /**
     * The first string of {@code node} (a key or a value, depth first) holding a UTF-16
     * surrogate without its partner, described with its place, e.g. {@code "\ud800" in
     * chosen[0].content}; empty when there is none.
     *
     * <p>Why: JSON may escape any code unit ({@code "\ud800"}), and Jackson keeps a lone one as
     * it is; such a string is not Unicode text, and encoding it to UTF-8 for the tokenizer would
     * silently turn it into {@code ?}. Python's {@code json} keeps it too, and tokenizers then fail.
     */
    static Optional<String> unpairedSurrogate(JsonNode node) {
        return unpairedSurrogate(node, "");
    }

    private static Optional<String> unpairedSurrogate(JsonNode node, String path) {
        if (node.isTextual()) {
            return lone(node.textValue()).map(unit -> unit + " in " + (path.isEmpty() ? "the value" : path));
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                Optional<String> found = unpairedSurrogate(node.get(i), path + "[" + i + "]");
                if (found.isPresent()) {
                    return found;
                }
            }
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                String key = escapeSurrogates(field.getKey());
                String at = path.isEmpty() ? key : path + "." + key;
                Optional<String> inKey = lone(field.getKey()).map(unit -> unit + " in the key " + at);
                Optional<String> found = inKey.isPresent() ? inKey : unpairedSurrogate(field.getValue(), at);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    /** The first unpaired surrogate of {@code text} as a JSON escape ({@code "\ud800"}), if any. */
    private static Optional<String> lone(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++; // a pair: one code point outside the BMP
            } else if (Character.isSurrogate(c)) {
                return Optional.of(String.format("\"\\u%04x\"", (int) c));
            }
        }
        return Optional.empty();
    }

    /** {@code text} with each surrogate code unit written as {@code \\uXXXX}, for messages. */
    private static String escapeSurrogates(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.chars().forEach(c -> out.append(Character.isSurrogate((char) c)
                ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return out.toString();
    }

    /** The bad record of a parsed value holding an unpaired surrogate, if it does. */
    static Optional<BadRecord> surrogateRecord(String where, JsonNode node) {
        return unpairedSurrogate(node).map(found -> new BadRecord(where, BadRecord.Reason.UNPAIRED_SURROGATE,
                "unpaired UTF-16 surrogate " + found + " (not a Unicode character; it has no UTF-8 encoding)"));
    }
}
