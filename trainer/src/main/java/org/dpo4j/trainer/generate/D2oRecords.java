package org.dpo4j.trainer.generate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dpo4j.trainer.checkpoint.AtomicFiles;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.data.CompletionRows;
import org.dpo4j.trainer.data.chat.ChatMessage;

/**
 * {@code generate --d2o}: D2O's training data from a model's samples. The prompts file is JSONL
 * whose records have {@code prompt} and {@code rejected} (a preference file's dispreferred answers);
 * each prompt's K = {@code --num-samples} samples become one record
 *
 * <pre>
 *   {"prompt": P, "rejected": R, "samples": [y_1, ..., y_K]}
 * </pre>
 * with P and R as given, which {@code loss.type: d2o} reads ({@link org.dpo4j.trainer.data.RecordParser}).
 * For a conversation prompt each sample is written as a conversation too:
 * {@code [{"role": "assistant", "content": y_i}]}. Lines are read as {@link PromptFile} reads them
 * (UTF-8, a BOM, CRLF and blank lines allowed), so record i is prompt i.
 */
public final class D2oRecords {

    private static final ObjectMapper JSON = new ObjectMapper();

    private D2oRecords() {}

    /**
     * The {@code rejected} value of every record, in order.
     *
     * @param prompts the prompts read from the same file, for the count
     * @throws UserInputException when the file is not JSONL, or a record has no usable {@code rejected}
     *     (one line naming {@code file:line})
     */
    public static List<JsonNode> rejected(Path file, String display, List<Prompt> prompts) {
        if (!file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".jsonl")) {
            throw new UserInputException("--d2o: " + display + " must be a .jsonl file of {\"prompt\", \"rejected\"} records");
        }
        List<String> lines;
        try {
            lines = List.of(Files.readString(file, StandardCharsets.UTF_8).split("\n", -1));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        List<JsonNode> rejected = new ArrayList<>(prompts.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (i == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            if (line.isBlank()) {
                continue;
            }
            String where = display + ":" + (i + 1);
            Prompt prompt = prompts.get(rejected.size());
            JsonNode value;
            try {
                value = JSON.readTree(line).get("rejected");
            } catch (JsonProcessingException e) {
                throw new UserInputException(where + ": not JSON (" + e.getOriginalMessage() + ")");
            }
            boolean text = prompt.text() != null;
            if (value == null || value.isNull()) {
                throw new UserInputException(where + ": no \"rejected\" field (--d2o needs records with \"prompt\" and"
                        + " \"rejected\")");
            }
            if (text ? !value.isTextual() || value.asText().isEmpty() : !value.isArray() || value.isEmpty()) {
                throw new UserInputException(where + ": \"rejected\" must be " + (text
                        ? "a non-empty string, as the prompt is text"
                        : "a non-empty list of messages, as the prompt is a conversation"));
            }
            rejected.add(value);
        }
        return rejected;
    }

    /** Messages as {@code {"role", "content", ...their other keys}} objects, as the data formats read them. */
    private static List<Map<String, Object>> messages(List<ChatMessage> messages) {
        List<Map<String, Object>> out = new ArrayList<>(messages.size());
        for (ChatMessage m : messages) {
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("role", m.role());
            message.put("content", m.content());
            message.putAll(m.fields());
            out.add(message);
        }
        return out;
    }

    /**
     * Writes one D2O record per prompt, atomically.
     *
     * @param results  each prompt's samples, in prompt order
     * @param rejected each prompt's {@code rejected}, same order
     */
    public static void write(Path file, List<ModelGeneration.PromptSamples> results, List<JsonNode> rejected) {
        StringBuilder text = new StringBuilder();
        try {
            for (int i = 0; i < results.size(); i++) {
                ModelGeneration.PromptSamples r = results.get(i);
                boolean conversation = r.prompt().text() == null;
                List<Object> samples = new ArrayList<>(r.completions().size());
                for (ModelGeneration.Completion c : r.completions()) {
                    samples.add(conversation ? List.of(Map.of("role", "assistant", "content", c.text())) : c.text());
                }
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("prompt", conversation ? messages(r.prompt().messages()) : r.prompt().text());
                row.put("rejected", rejected.get(i));
                row.put(CompletionRows.SAMPLES, samples);
                text.append(JSON.writeValueAsString(row)).append('\n');
            }
            AtomicFiles.writeText(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
