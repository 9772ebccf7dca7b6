package org.dpo4j.trainer.data.source;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Locale;

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
}
