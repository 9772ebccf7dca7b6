package org.dpo4j.trainer.generate;

import java.util.List;
import org.dpo4j.trainer.data.chat.ChatMessage;

/**
 * One prompt to continue: plain text, or a conversation for the chat template.
 *
 * @param text     the text, or null for a conversation
 * @param messages the conversation (roles and contents, in order), or null for text
 * @param origin   where it came from, for messages: {@code --prompt} or {@code file:line}
 */
public record Prompt(String text, List<ChatMessage> messages, String origin) {

    public Prompt {
        if ((text == null) == (messages == null)) {
            throw new IllegalArgumentException("a prompt is either text or messages");
        }
        messages = messages == null ? null : List.copyOf(messages);
    }

    /** A plain-text prompt. */
    public static Prompt text(String text, String origin) {
        return new Prompt(text, null, origin);
    }

    /** The prompt as one line of text for display: the text, or the last message's content. */
    public String display() {
        return text != null ? text : messages.get(messages.size() - 1).content();
    }
}
