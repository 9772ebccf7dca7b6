package org.dpo4j.trainer.data.chat;

/**
 * One message of a conversation, as in Hugging Face's conversational datasets.
 *
 * @param role    {@code system}, {@code user}, {@code assistant} (or another role a template knows)
 * @param content the text
 */
public record ChatMessage(String role, String content) {}
