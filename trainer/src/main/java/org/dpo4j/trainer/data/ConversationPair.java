package org.dpo4j.trainer.data;

import java.util.List;
import org.dpo4j.trainer.data.chat.ChatMessage;

/**
 * A preference record in the conversational format: the prompt is a list of messages (often
 * ending with the user's turn) and each completion the assistant's message(s) that follow it.
 *
 * @param id       the pair's id
 * @param prompt   the shared conversation so far (may be empty)
 * @param chosen   the preferred continuation, at least one message
 * @param rejected the dispreferred continuation, at least one message
 * @param extra    further continuations ({@link PreferencePair#extra}); empty for pairs
 */
public record ConversationPair(String id, List<ChatMessage> prompt, List<ChatMessage> chosen, List<ChatMessage> rejected,
        List<List<ChatMessage>> extra) implements PreferenceExample {

    public ConversationPair {
        prompt = List.copyOf(prompt);
        chosen = List.copyOf(chosen);
        rejected = List.copyOf(rejected);
        extra = extra == null ? List.of() : extra.stream().map(List::copyOf).toList();
    }

    /** A conversation with two continuations. */
    public ConversationPair(String id, List<ChatMessage> prompt, List<ChatMessage> chosen, List<ChatMessage> rejected) {
        this(id, prompt, chosen, rejected, List.of());
    }
}
