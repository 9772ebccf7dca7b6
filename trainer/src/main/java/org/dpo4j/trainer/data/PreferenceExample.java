package org.dpo4j.trainer.data;

/**
 * One preference record as read, before rendering and tokenization: plain text
 * ({@link PreferencePair}) or a conversation ({@link ConversationPair}).
 */
public sealed interface PreferenceExample permits PreferencePair, ConversationPair {

    /** Where it came from ({@code file:line}, {@code file:row N}, {@code builtin:...#N}); the pair id. */
    String id();

    /** Completions beyond the pair ({@link CompletionRows}): WRPO's source chosen, D2O's samples 2..K. */
    java.util.List<?> extra();
}
