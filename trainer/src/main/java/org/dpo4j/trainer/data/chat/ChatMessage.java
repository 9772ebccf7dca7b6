package org.dpo4j.trainer.data.chat;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One message of a conversation, as in Hugging Face's conversational datasets.
 *
 * @param role    {@code system}, {@code user}, {@code assistant}, {@code tool} (or another role a
 *                template knows)
 * @param content the text; {@code null} (Python's {@code None}) only for a message that has
 *                other fields, such as an assistant turn made of {@code tool_calls}
 * @param fields  the message's other keys as a template sees them ({@code tool_calls},
 *                {@code tool_call_id}, {@code name}, {@code reasoning_content}), values as read
 *                from JSON (maps, lists, strings, numbers, booleans, {@code null}), in order
 */
public record ChatMessage(String role, String content, Map<String, Object> fields) {

    public ChatMessage {
        fields = fields == null || fields.isEmpty() ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** A message with only a role and a content. */
    public ChatMessage(String role, String content) {
        this(role, content, Map.of());
    }
}
