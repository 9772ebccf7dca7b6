package org.dpo4j.trainer.reference;

import java.util.Arrays;

/**
 * The reference model's sequence log-probs of N pairs, index i being the i-th pair of the list
 * they were computed for (training pairs in order, then held-out pairs).
 *
 * @param chosen         Σ_t log π_ref over the chosen completion's scored tokens, length N
 * @param rejected       the same for the rejected completion, length N
 * @param chosenTokens   scored tokens of the chosen completion, length N
 * @param rejectedTokens scored tokens of the rejected completion, length N
 */
public record ReferenceLogProbs(double[] chosen, double[] rejected, double[] chosenTokens, double[] rejectedTokens) {

    public ReferenceLogProbs {
        int n = chosen.length;
        if (rejected.length != n || chosenTokens.length != n || rejectedTokens.length != n) {
            throw new IllegalArgumentException("arrays of different lengths: " + n + ", " + rejected.length + ", "
                    + chosenTokens.length + ", " + rejectedTokens.length);
        }
    }

    /** N zero-filled arrays, to be filled in place. */
    public static ReferenceLogProbs zeros(int pairs) {
        return new ReferenceLogProbs(new double[pairs], new double[pairs], new double[pairs], new double[pairs]);
    }

    /** N. */
    public int pairs() {
        return chosen.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReferenceLogProbs r && Arrays.equals(chosen, r.chosen) && Arrays.equals(rejected, r.rejected)
                && Arrays.equals(chosenTokens, r.chosenTokens) && Arrays.equals(rejectedTokens, r.rejectedTokens);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(chosen) * 31 + Arrays.hashCode(rejected);
    }

    @Override
    public String toString() {
        return "ReferenceLogProbs[" + pairs() + " pairs]";
    }
}
