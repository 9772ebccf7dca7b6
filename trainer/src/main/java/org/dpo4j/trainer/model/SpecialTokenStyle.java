package org.dpo4j.trainer.model;

/**
 * The special tokens a family's tokenizers carry, for the tokenizer {@code init-model} writes
 * beside a preset (the tokenizer package builds it; this names the convention without the model
 * packages depending on the tokenizer's).
 */
public enum SpecialTokenStyle {
    /** Llama 3's: begin-of-text prepended to every sequence, end-of-text, and a pad token of its own. */
    LLAMA,
    /** GPT-2's: one end-of-text token for BOS and EOS, never prepended, and no pad token. */
    GPT2
}
