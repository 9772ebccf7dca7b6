package org.dpo4j.trainer.data;

import java.util.List;

/**
 * One preference record as text (the standard format, or a conversation rendered by a chat
 * template): the prompt and the completions that follow it.
 *
 * @param id       stable identifier (source and position), carried into per-pair outputs
 * @param prompt   the prompt text
 * @param chosen   the preferred completion (D2O: its first sample, {@link CompletionRows})
 * @param rejected the dispreferred completion
 * @param extra    further completions (WRPO's source chosen, D2O's samples 2..K); empty for pairs
 */
public record PreferencePair(String id, String prompt, String chosen, String rejected, List<String> extra)
        implements PreferenceExample {

    public PreferencePair {
        extra = extra == null ? List.of() : List.copyOf(extra);
    }

    /** A record with two completions. */
    public PreferencePair(String id, String prompt, String chosen, String rejected) {
        this(id, prompt, chosen, rejected, List.of());
    }
}
