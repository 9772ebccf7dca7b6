package org.dpo4j.trainer.data;

/**
 * One preference record as text (the standard format, or a conversation rendered by a chat
 * template): the prompt and the two completions that follow it.
 *
 * @param id       stable identifier (source and position), carried into per-pair outputs
 * @param prompt   the prompt text
 * @param chosen   the preferred completion
 * @param rejected the dispreferred completion
 */
public record PreferencePair(String id, String prompt, String chosen, String rejected) implements PreferenceExample {}
