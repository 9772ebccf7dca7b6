package org.dpo4j.trainer.common;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads the small JSON files users bring (config.json, tokenizer and index files), turning
 * syntax errors into one line with the file, line and column.
 */
public final class JsonFiles {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonFiles() {}

    /**
     * The parsed content of {@code file}, which must exist.
     *
     * @throws UserInputException when it is missing, unreadable or not JSON
     */
    public static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw malformed(file, e);
        } catch (IOException e) {
            throw new UserInputException(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }

    /**
     * The parsed content of {@code file}, or empty when the file does not exist.
     *
     * @throws UserInputException {@code file:line:column: malformed JSON (...)} when it does not
     *     parse
     */
    public static Optional<JsonNode> readIfPresent(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readTree(file.toFile()));
        } catch (JsonProcessingException e) {
            throw malformed(file, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The one-line error for a JSON syntax error in {@code file}, with line and column. */
    public static UserInputException malformed(Path file, JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = at == null ? file.toString()
                : file + ":" + at.getLineNr() + ":" + at.getColumnNr();
        String why = String.valueOf(e.getOriginalMessage()).replaceAll("\\s+", " ").trim();
        return new UserInputException(where + ": malformed JSON (" + why + ")", e);
    }
}
