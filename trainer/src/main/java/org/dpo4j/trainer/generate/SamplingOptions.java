package org.dpo4j.trainer.generate;

/**
 * How the next token is chosen, as Hugging Face's {@code generate(do_sample=True, ...)} with its
 * logits warpers applied in the same order: temperature, then top-k, then top-p.
 *
 * @param temperature   logits are divided by it; 0 means greedy (the most likely token, the
 *                      lowest id on ties), which ignores top-k, top-p and the seed
 * @param topP          nucleus sampling: keep the most likely tokens whose probabilities sum to
 *                      at least this, in (0, 1]; 1 keeps all
 * @param topK          keep the k most likely tokens (ties with the k-th are kept too); 0 keeps all
 * @param maxNewTokens  the most tokens generated per sample, the stop token included; ≥ 1
 * @param seed          seeds the draws: the same seed, prompt and options give the same text
 */
public record SamplingOptions(double temperature, double topP, int topK, int maxNewTokens, long seed) {

    /**
     * @throws IllegalArgumentException naming the option ({@code temperature}, {@code top_p},
     *     {@code top_k}, {@code max_new_tokens}) and what is allowed
     */
    public SamplingOptions {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a finite number >= 0 (0 = greedy), got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top_k must be >= 0 (0 = no limit), got " + topK);
        }
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("max_new_tokens must be >= 1, got " + maxNewTokens);
        }
    }

    /** Whether the choice is the argmax rather than a draw. */
    public boolean greedy() {
        return temperature == 0;
    }
}
