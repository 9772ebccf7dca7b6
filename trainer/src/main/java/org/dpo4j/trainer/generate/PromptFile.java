package org.dpo4j.trainer.generate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.data.chat.ChatMessage;

/**
 * Reads the prompts of {@code generate --prompts FILE}, UTF-8:
 *
 * <ul>
 *   <li>a file ending in {@code .jsonl}: one JSON object per line with a {@code prompt} field,
 *       either a string or a conversation (a list of {@code {"role": ..., "content": ...}}
 *       messages, as in TRL's prompt-only datasets); other fields are ignored;
 *   <li>any other file: one plain-text prompt per line.
 * </ul>
 *
 * Blank lines are skipped in both. Every problem is one line naming {@code file:line}.
 */
public final class PromptFile {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PromptFile() {}

    /**
     * @param file    the prompts file
     * @param display the file as the user named it, for messages
     * @throws UserInputException when the file is missing, unreadable, empty, or a line is not a
     *     prompt
     */
    public static List<Prompt> read(Path file, String display) {
        if (!Files.isRegularFile(file)) {
            throw new UserInputException("--prompts: " + display
                    + (Files.isDirectory(file) ? " is a directory; expected a file of prompts" : " does not exist"));
        }
        List<String> lines;
        try {
            lines = List.of(StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString().split("\n", -1));
        } catch (CharacterCodingException e) {
            throw new UserInputException(display + ": not valid UTF-8");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        boolean jsonl = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jsonl");
        List<Prompt> prompts = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (i == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.isBlank()) {
                continue;
            }
            String where = display + ":" + (i + 1);
            prompts.add(jsonl ? parse(line, where) : Prompt.text(line, where));
        }
        if (prompts.isEmpty()) {
            throw new UserInputException(display + ": no prompt in the file (expected one prompt per line"
                    + (jsonl ? ", as JSON objects with a \"prompt\" field)" : ")"));
        }
        return prompts;
    }

    private static Prompt parse(String line, String where) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new UserInputException(where + ": not JSON (" + e.getOriginalMessage() + ")");
        }
        if (node == null || !node.isObject()) {
            throw new UserInputException(where + ": expected a JSON object with a \"prompt\" field");
        }
        JsonNode prompt = node.get("prompt");
        if (prompt == null) {
            throw new UserInputException(where + ": no \"prompt\" field");
        }
        if (prompt.isTextual()) {
            if (prompt.asText().isEmpty()) {
                throw new UserInputException(where + ": \"prompt\" is empty");
            }
            return Prompt.text(prompt.asText(), where);
        }
        if (prompt.isArray() && !prompt.isEmpty()) {
            List<ChatMessage> messages = new ArrayList<>();
            for (JsonNode m : prompt) {
                JsonNode role = m.get("role");
                JsonNode content = m.get("content");
                if (!m.isObject() || role == null || !role.isTextual() || content == null || !content.isTextual()) {
                    throw new UserInputException(where + ": each message of \"prompt\" needs a string \"role\" and \"content\"");
                }
                messages.add(new ChatMessage(role.asText(), content.asText()));
            }
            return new Prompt(null, messages, where);
        }
        throw new UserInputException(where + ": \"prompt\" must be a string or a non-empty list of messages");
    }
}
