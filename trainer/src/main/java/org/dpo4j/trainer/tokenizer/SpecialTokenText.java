package org.dpo4j.trainer.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Optional;
import org.dpo4j.trainer.common.UserInputException;

/**
 * A special token's text in {@code tokenizer_config.json} or {@code special_tokens_map.json}:
 * {@code "key": "text"} or an AddedToken object {@code "key": {"content": "text", ...}}.
 */
public final class SpecialTokenText {

    private SpecialTokenText() {}

    /**
     * @param root the parsed file
     * @param key  e.g. {@code eos_token}
     * @param file the file, for the message
     * @return the text; empty when the key is missing or null
     * @throws UserInputException when the value is neither form
     */
    public static Optional<String> read(JsonNode root, String key, Path file) {
        JsonNode value = root.path(key);
        if (value.isMissingNode() || value.isNull()) {
            return Optional.empty();
        }
        if (value.isTextual()) {
            return Optional.of(value.asText());
        }
        if (value.isObject() && value.path("content").isTextual()) {
            return Optional.of(value.path("content").asText());
        }
        throw new UserInputException(file + ": " + key
                + " must be a string or an object with a string \"content\", got " + value);
    }
}
