package org.dpo4j.trainer.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dpo4j.trainer.UserInputException;

/**
 * Reads standard preference records, one JSON object per line:
 * {@code {"prompt": str, "chosen": str, "rejected": str}}. Blank lines are skipped. Any bad
 * record stops the read with {@code file:line: what is wrong}.
 */
public final class JsonlPairReader {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] FIELDS = {"prompt", "chosen", "rejected"};

    private JsonlPairReader() {}

    /**
     * @param file a JSONL file
     * @return its pairs, ids {@code file:line}
     * @throws UserInputException for a missing or empty file or a bad record
     */
    public static List<PreferencePair> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserInputException(file + ": no such data file");
        }
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        List<PreferencePair> pairs = new ArrayList<>();
        int lineNumber = 0;
        try (BufferedReader reader = new BufferedReader(
                new java.io.InputStreamReader(Files.newInputStream(file), decoder))) {
            String line;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (!line.isBlank()) {
                    pairs.add(parse(line, file + ":" + lineNumber));
                }
            }
        } catch (CharacterCodingException e) {
            throw new UserInputException(file + ":" + (lineNumber + 1) + ": invalid UTF-8");
        } catch (IOException e) {
            throw new UserInputException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        if (pairs.isEmpty()) {
            throw new UserInputException(file + ": no records (the file is empty)");
        }
        return pairs;
    }

    private static PreferencePair parse(String line, String where) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new UserInputException(
                    where + ": malformed JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (!node.isObject()) {
            throw new UserInputException(where + ": expected a JSON object with prompt, chosen, rejected");
        }
        String[] values = new String[FIELDS.length];
        for (int i = 0; i < FIELDS.length; i++) {
            JsonNode value = node.get(FIELDS[i]);
            if (value == null || value.isNull()) {
                throw new UserInputException(where + ": missing field '" + FIELDS[i] + "'");
            }
            if (!value.isTextual()) {
                throw new UserInputException(
                        where + ": field '" + FIELDS[i] + "' must be a string, got " + value.getNodeType().name().toLowerCase());
            }
            values[i] = value.asText();
        }
        if (values[1].isEmpty() || values[2].isEmpty()) {
            throw new UserInputException(where + ": chosen and rejected must not be empty");
        }
        if (values[1].equals(values[2])) {
            throw new UserInputException(where + ": chosen is identical to rejected");
        }
        return new PreferencePair(where, values[0], values[1], values[2]);
    }
}
