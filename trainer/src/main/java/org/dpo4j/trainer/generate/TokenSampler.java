package org.dpo4j.trainer.generate;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The next-token choice on the CPU, in double precision, from one row of logits. The draw uses
 * the caller's {@link SplittableRandom}, not the engine's generator, so that a seed gives the
 * same tokens on every machine and engine version.
 *
 * <pre>
 *   z = logits / temperature
 *   top-k:  keep z_i ≥ (k-th largest z)                        (Hugging Face's TopKLogitsWarper)
 *   p = softmax(z over the kept tokens)
 *   top-p:  sort p descending; keep token i iff the mass of the tokens before it is &lt; top_p
 *           (the most likely token is always kept)            (Hugging Face's TopPLogitsWarper)
 *   draw from p renormalised over the kept tokens
 * </pre>
 */
final class TokenSampler {

    private TokenSampler() {}

    /** The chosen token of {@code logits[from, from + vocab)}. */
    static int choose(float[] logits, int from, int vocab, SamplingOptions options, SplittableRandom random) {
        if (options.greedy()) {
            return argmax(logits, from, vocab);
        }
        return draw(distribution(logits, from, vocab, options), random.nextDouble());
    }

    /** The lowest index of the largest logit. */
    static int argmax(float[] logits, int from, int vocab) {
        int best = 0;
        for (int i = 1; i < vocab; i++) {
            if (logits[from + i] > logits[from + best]) {
                best = i;
            }
        }
        return best;
    }

    /**
     * The sampling distribution after temperature, top-k and top-p: probabilities summing to 1,
     * exactly 0 on the tokens filtered out. Needs a temperature above 0.
     */
    static double[] distribution(float[] logits, int from, int vocab, SamplingOptions options) {
        double[] z = new double[vocab];
        for (int i = 0; i < vocab; i++) {
            z[i] = logits[from + i] / options.temperature();
        }
        if (options.topK() > 0 && options.topK() < vocab) {
            double[] sorted = z.clone();
            Arrays.sort(sorted);
            double kth = sorted[vocab - options.topK()];
            for (int i = 0; i < vocab; i++) {
                if (z[i] < kth) {
                    z[i] = Double.NEGATIVE_INFINITY;
                }
            }
        }
        double[] p = softmax(z);
        if (options.topP() < 1) {
            Integer[] order = new Integer[vocab];
            for (int i = 0; i < vocab; i++) {
                order[i] = i;
            }
            // descending probability, lower id first on ties: a fixed order whatever the sort
            Arrays.sort(order, (a, b) -> p[a] != p[b] ? Double.compare(p[b], p[a]) : Integer.compare(a, b));
            double kept = 0; // the mass of the tokens kept so far, i.e. of those before this one
            for (int rank = 0; rank < vocab; rank++) {
                int i = order[rank];
                if (rank == 0 || kept < options.topP()) {
                    kept += p[i];
                } else {
                    p[i] = 0;
                }
            }
            for (int i = 0; i < vocab; i++) {
                p[i] /= kept;
            }
        }
        return p;
    }

    /** The token whose cumulative-probability interval holds u ∈ [0, 1), in id order. */
    static int draw(double[] p, double u) {
        double total = 0;
        for (double v : p) {
            total += v;
        }
        double target = u * total;
        double cumulative = 0;
        int last = -1;
        for (int i = 0; i < p.length; i++) {
            if (p[i] <= 0) {
                continue;
            }
            cumulative += p[i];
            last = i;
            if (target < cumulative) {
                return i;
            }
        }
        return last; // rounding left target at the very top: the last token with mass
    }

    /** Numerically stable softmax; −∞ entries get exactly 0. */
    static double[] softmax(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double[] p = new double[z.length];
        double sum = 0;
        for (int i = 0; i < z.length; i++) {
            p[i] = Math.exp(z[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < z.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /**
     * The model's own next-token distribution (temperature 1, nothing filtered) at one position:
     * the log-probability of {@code token} and the entropy H = −Σ_v p_v log p_v in nats.
     *
     * @return {log p(token), H}
     */
    static double[] logProbAndEntropy(float[] logits, int from, int vocab, int token) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            max = Math.max(max, logits[from + i]);
        }
        double sum = 0;
        for (int i = 0; i < vocab; i++) {
            sum += Math.exp(logits[from + i] - max);
        }
        double logSum = max + Math.log(sum);
        double entropy = 0;
        for (int i = 0; i < vocab; i++) {
            double logP = logits[from + i] - logSum;
            double p = Math.exp(logP);
            if (p > 0) {
                entropy -= p * logP;
            }
        }
        return new double[] {logits[from + token] - logSum, entropy};
    }
}
