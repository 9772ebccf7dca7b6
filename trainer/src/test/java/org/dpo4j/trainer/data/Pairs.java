package org.dpo4j.trainer.data;

import java.util.ArrayList;
import java.util.List;

/** Tokenized pairs of chosen lengths for batching tests; token values do not matter. */
final class Pairs {

    private Pairs() {}

    /** A pair whose prompt has {@code prompt} tokens and both completions {@code completion}. */
    static TokenizedPair of(String id, int prompt, int completion) {
        return new TokenizedPair(id, new int[prompt], new int[completion], new int[completion]);
    }

    /** {@code n} pairs with ids {@code p0..p(n-1)}, pair i of row length {@code 1 + completion(i)}. */
    static List<TokenizedPair> withCompletions(int[] completions) {
        List<TokenizedPair> pairs = new ArrayList<>(completions.length);
        for (int i = 0; i < completions.length; i++) {
            pairs.add(of("p" + i, 1, completions[i]));
        }
        return pairs;
    }

    static List<String> ids(List<TokenizedPair> batch) {
        return batch.stream().map(TokenizedPair::id).toList();
    }
}
