package org.dpo4j.trainer.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dpo4j.losses.Completions;
import org.dpo4j.trainer.config.ColumnNames;
import org.dpo4j.trainer.data.chat.ChatMessage;
import org.dpo4j.trainer.data.source.BadRecord.Reason;
import org.dpo4j.trainer.data.source.BadRecord;
import org.dpo4j.trainer.data.source.SourceRecord;

/**
 * Reads {@link SourceRecord}s as preference examples, or says why a record cannot be one.
 *
 * <p>Formats, with field names from {@link ColumnNames}:
 * <ul>
 *   <li><b>standard</b>: {@code {"prompt": str, "chosen": str, "rejected": str}};
 *   <li><b>conversational</b>: the three fields are lists of {@code {"role": str, "content": str}};
 *   <li><b>implicit prompt</b>: no prompt field; the prompt is the longest common prefix of chosen
 *       and rejected: whole messages for conversations; characters for text, where a space just
 *       before the split goes to the completions (as TRL's {@code extract_prompt}).
 * </ul>
 * Chosen and rejected must be non-empty and differ. Each record is judged on its own, so that a
 * caller may stop at the first bad one or skip and count them.
 *
 * <p>Losses that read more completions per prompt ({@link Completions}) read these formats, text or
 * conversational as above but always with an explicit prompt ({@link CompletionRows}):
 * <ul>
 *   <li><b>D2O</b> ({@code rejected_and_samples}): {@code {"prompt", "rejected", "samples": [K completions]}},
 *       K ≥ 1 and the same K in every record (the first record's), each non-empty; no chosen;
 *   <li><b>WRPO</b> ({@code source_chosen_and_pairs}): {@code {"prompt", "source_chosen", "chosen", "rejected"}},
 *       the pair as above and the source model's chosen completion non-empty.
 * </ul>
 */
public final class RecordParser {

    /** Converts a message's other fields to plain maps, lists, strings and numbers. */
    private static final ObjectMapper PLAIN = new ObjectMapper();

    private final ColumnNames columns;
    private final Completions expected;

    /** A parser of pairs. */
    public RecordParser(ColumnNames columns) {
        this(columns, Completions.PAIRS);
    }

    /** A parser of records with the completions {@code kind} names. */
    public RecordParser(ColumnNames columns, Completions kind) {
        this.columns = columns;
        this.expected = kind;
    }

    /** The examples and the bad records of {@code records}, each in input order. */
    public record Parsed(List<PreferenceExample> examples, List<BadRecord> bad) {}

    public Parsed parseAll(List<SourceRecord> records) {
        List<PreferenceExample> examples = new ArrayList<>(records.size());
        List<BadRecord> bad = new ArrayList<>();
        PreferenceExample first = null;
        for (SourceRecord record : records) {
            try {
                PreferenceExample example = parse(record);
                if (first == null) {
                    first = example;
                } else if (example.extra().size() != first.extra().size()) {
                    throw new Invalid(Reason.SAMPLE_COUNT, "'" + CompletionRows.SAMPLES + "' has "
                            + (example.extra().size() + 1) + " completion(s) where the first record (" + first.id()
                            + ") has " + (first.extra().size() + 1) + "; every record needs the same number K");
                }
                examples.add(example);
            } catch (Invalid e) {
                bad.add(new BadRecord(record.where(), e.reason, e.getMessage()));
            }
        }
        return new Parsed(examples, bad);
    }

    /** Thrown inside the parser for one bad record; never escapes {@link #parseAll}. */
    private static final class Invalid extends Exception {
        private final Reason reason;

        Invalid(Reason reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }
    }

    private PreferenceExample parse(SourceRecord record) throws Invalid {
        JsonNode value = record.value();
        if (value == null || !value.isObject()) {
            throw new Invalid(Reason.NOT_AN_OBJECT, expected == Completions.PAIRS
                    ? "expected a JSON object with " + columns.chosen() + " and " + columns.rejected()
                            + " (and usually " + columns.prompt() + ")"
                    : "expected a JSON object with " + fields());
        }
        return switch (expected) {
            case PAIRS -> parsePair(record, value);
            case REJECTED_AND_SAMPLES -> parseSamples(record, value);
            case SOURCE_CHOSEN_AND_PAIRS -> parseSourceChosen(record, value);
        };
    }

    private String fields() {
        return CompletionRows.fields(expected, columns.prompt(), columns.chosen(), columns.rejected());
    }

    /** D2O: prompt, rejected and K samples; the first sample stands as chosen ({@link CompletionRows}). */
    private PreferenceExample parseSamples(SourceRecord record, JsonNode value) throws Invalid {
        JsonNode prompt = requiredPrompt(value);
        JsonNode rejected = required(value, columns.rejected());
        JsonNode samples = required(value, CompletionRows.SAMPLES);
        if (!samples.isArray() || samples.isEmpty()) {
            throw new Invalid(samples.isArray() ? Reason.EMPTY_FIELD : Reason.WRONG_TYPE, "field '"
                    + CompletionRows.SAMPLES + "' must be a non-empty list of K completions, got "
                    + (samples.isArray() ? "an empty list" : kind(samples)));
        }
        String where = record.where();
        if (rejected.isArray()) {
            List<ChatMessage> r = nonEmpty(messages(rejected, columns.rejected()), columns.rejected());
            List<List<ChatMessage>> all = new ArrayList<>();
            for (int i = 0; i < samples.size(); i++) {
                String field = CompletionRows.SAMPLES + "[" + i + "]";
                all.add(nonEmpty(messages(samples.get(i), field), field));
            }
            return new ConversationPair(where, messages(prompt, columns.prompt()), all.get(0), r,
                    all.subList(1, all.size()));
        }
        String r = nonEmpty(text(rejected, columns.rejected()), columns.rejected());
        List<String> all = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            String field = CompletionRows.SAMPLES + "[" + i + "]";
            all.add(nonEmpty(text(samples.get(i), field), field));
        }
        return new PreferencePair(where, text(prompt, columns.prompt()), all.get(0), r, all.subList(1, all.size()));
    }

    /** WRPO: the pair as usual plus the source model's chosen completion. */
    private PreferenceExample parseSourceChosen(SourceRecord record, JsonNode value) throws Invalid {
        requiredPrompt(value);
        JsonNode source = required(value, CompletionRows.SOURCE_CHOSEN);
        PreferenceExample pair = parsePair(record, value);
        if (pair instanceof ConversationPair c) {
            return new ConversationPair(c.id(), c.prompt(), c.chosen(), c.rejected(),
                    List.of(nonEmpty(messages(source, CompletionRows.SOURCE_CHOSEN), CompletionRows.SOURCE_CHOSEN)));
        }
        PreferencePair p = (PreferencePair) pair;
        return new PreferencePair(p.id(), p.prompt(), p.chosen(), p.rejected(),
                List.of(nonEmpty(text(source, CompletionRows.SOURCE_CHOSEN), CompletionRows.SOURCE_CHOSEN)));
    }

    private JsonNode requiredPrompt(JsonNode value) throws Invalid {
        JsonNode prompt = value.get(columns.prompt());
        if (prompt == null || prompt.isNull()) {
            throw new Invalid(Reason.MISSING_FIELD, "missing field '" + columns.prompt() + "' (records of "
                    + expected.configName() + " need " + fields() + ")");
        }
        return prompt;
    }

    private static String nonEmpty(String text, String field) throws Invalid {
        if (text.isEmpty()) {
            throw new Invalid(Reason.EMPTY_FIELD, "'" + field + "' is empty");
        }
        return text;
    }

    private static List<ChatMessage> nonEmpty(List<ChatMessage> messages, String field) throws Invalid {
        if (messages.isEmpty()) {
            throw new Invalid(Reason.EMPTY_FIELD, "'" + field + "' has no message");
        }
        return messages;
    }

    private PreferenceExample parsePair(SourceRecord record, JsonNode value) throws Invalid {
        JsonNode chosen = required(value, columns.chosen());
        JsonNode rejected = required(value, columns.rejected());
        JsonNode prompt = value.get(columns.prompt());
        boolean hasPrompt = prompt != null && !prompt.isNull();
        boolean conversational = chosen.isArray();
        if (conversational) {
            List<ChatMessage> c = messages(chosen, columns.chosen());
            List<ChatMessage> r = messages(rejected, columns.rejected());
            List<ChatMessage> p = hasPrompt ? messages(prompt, columns.prompt()) : List.of();
            return hasPrompt ? conversation(record.where(), p, c, r) : implicitConversation(record.where(), c, r);
        }
        String c = text(chosen, columns.chosen());
        String r = text(rejected, columns.rejected());
        if (hasPrompt) {
            return textPair(record.where(), text(prompt, columns.prompt()), c, r);
        }
        return implicitText(record.where(), c, r);
    }

    private static JsonNode required(JsonNode record, String field) throws Invalid {
        JsonNode node = record.get(field);
        if (node == null || node.isNull()) {
            throw new Invalid(Reason.MISSING_FIELD, "missing field '" + field + "'");
        }
        return node;
    }

    private static String text(JsonNode node, String field) throws Invalid {
        if (!node.isTextual()) {
            throw new Invalid(Reason.WRONG_TYPE, "field '" + field + "' must be a string (like the other fields), got "
                    + kind(node));
        }
        return node.asText();
    }

    private static List<ChatMessage> messages(JsonNode node, String field) throws Invalid {
        if (!node.isArray()) {
            throw new Invalid(Reason.WRONG_TYPE, "field '" + field
                    + "' must be a list of {role, content} messages (like the other fields), got " + kind(node));
        }
        List<ChatMessage> out = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode m = node.get(i);
            String at = field + "[" + i + "]";
            if (!m.isObject()) {
                throw new Invalid(Reason.WRONG_TYPE, at + " must be a {role, content} object, got " + kind(m));
            }
            JsonNode role = m.get("role");
            JsonNode content = m.get("content");
            if (role == null || role.isNull() || content == null || content.isNull()) {
                throw new Invalid(Reason.MISSING_FIELD, at + " needs both 'role' and 'content'");
            }
            if (!role.isTextual() || !content.isTextual()) {
                throw new Invalid(Reason.WRONG_TYPE, at + ": 'role' and 'content' must be strings");
            }
            out.add(new ChatMessage(role.asText(), content.asText(), otherFields(m)));
        }
        return out;
    }

    /**
     * A message's keys besides role and content ({@code tool_calls}, {@code tool_call_id},
     * {@code name}, ...), as plain values, for chat templates that read them.
     */
    private static Map<String, Object> otherFields(JsonNode message) {
        Map<String, Object> fields = new LinkedHashMap<>();
        message.fields().forEachRemaining(e -> {
            if (!e.getKey().equals("role") && !e.getKey().equals("content")) {
                fields.put(e.getKey(), PLAIN.convertValue(e.getValue(), Object.class));
            }
        });
        return fields;
    }

    private PreferencePair textPair(String id, String prompt, String chosen, String rejected) throws Invalid {
        if (chosen.isEmpty() || rejected.isEmpty()) {
            throw new Invalid(Reason.EMPTY_FIELD, "'" + (chosen.isEmpty() ? columns.chosen() : columns.rejected())
                    + "' is empty");
        }
        if (chosen.equals(rejected)) {
            throw new Invalid(Reason.IDENTICAL_COMPLETIONS, "'" + columns.chosen() + "' is identical to '"
                    + columns.rejected() + "'");
        }
        return new PreferencePair(id, prompt, chosen, rejected);
    }

    private ConversationPair conversation(
            String id, List<ChatMessage> prompt, List<ChatMessage> chosen, List<ChatMessage> rejected) throws Invalid {
        if (chosen.isEmpty() || rejected.isEmpty()) {
            throw new Invalid(Reason.EMPTY_FIELD, "'" + (chosen.isEmpty() ? columns.chosen() : columns.rejected())
                    + "' has no message");
        }
        if (chosen.equals(rejected)) {
            throw new Invalid(Reason.IDENTICAL_COMPLETIONS, "'" + columns.chosen() + "' is identical to '"
                    + columns.rejected() + "'");
        }
        return new ConversationPair(id, prompt, chosen, rejected);
    }

    /** TRL's rule: split at the first differing character; a space just before it starts the completions. */
    private PreferencePair implicitText(String id, String chosen, String rejected) throws Invalid {
        int limit = Math.min(chosen.length(), rejected.length());
        int split = 0;
        while (split < limit && chosen.charAt(split) == rejected.charAt(split)) {
            split++;
        }
        if (split < chosen.length() && Character.isLowSurrogate(chosen.charAt(split))) {
            split--; // never split a surrogate pair
        }
        if (split > 0 && split < limit && chosen.charAt(split - 1) == ' ') {
            split--;
        }
        if (split == 0) {
            throw new Invalid(Reason.NO_COMMON_PROMPT, "no '" + columns.prompt() + "' field, and "
                    + columns.chosen() + " and " + columns.rejected() + " share no prefix to use as the prompt");
        }
        return textPair(id, chosen.substring(0, split), chosen.substring(split), rejected.substring(split));
    }

    private ConversationPair implicitConversation(String id, List<ChatMessage> chosen, List<ChatMessage> rejected)
            throws Invalid {
        int split = 0;
        while (split < Math.min(chosen.size(), rejected.size()) && chosen.get(split).equals(rejected.get(split))) {
            split++;
        }
        if (split == 0) {
            throw new Invalid(Reason.NO_COMMON_PROMPT, "no '" + columns.prompt() + "' field, and "
                    + columns.chosen() + " and " + columns.rejected() + " share no first message to use as the prompt");
        }
        return conversation(id, chosen.subList(0, split),
                chosen.subList(split, chosen.size()), rejected.subList(split, rejected.size()));
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "a list";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
