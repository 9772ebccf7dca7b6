package org.dpo4j.trainer.generate;

import java.util.Arrays;

/**
 * One generated continuation of a prompt.
 *
 * @param tokens    the generated ids, the stop token included when one was generated
 * @param logProbs  per generated token, log π(y_t | prompt, y_&lt;t) under the model at
 *                  temperature 1 (its own distribution, whatever the sampling options)
 * @param entropies per generated token, the entropy in nats of that same distribution at the
 *                  position that produced it
 * @param stopped   whether generation ended on a stop token (else on max_new_tokens)
 */
public record Sample(int[] tokens, double[] logProbs, double[] entropies, boolean stopped) {

    /** The generated ids without the stop token: the text's tokens. */
    public int[] textTokens() {
        return stopped ? Arrays.copyOf(tokens, tokens.length - 1) : tokens.clone();
    }

    /** log π(y | prompt) = Σ_t log π(y_t | prompt, y_&lt;t) over the generated tokens. */
    public double logProb() {
        double sum = 0;
        for (double v : logProbs) {
            sum += v;
        }
        return sum;
    }
}
