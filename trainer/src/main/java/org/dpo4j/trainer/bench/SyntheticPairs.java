package org.dpo4j.trainer.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.dpo4j.losses.Completions;
import org.dpo4j.trainer.data.TokenizedPair;

/**
 * The benchmark's workload: preference pairs of uniformly random token ids, drawn from a seed, so
 * every run of the same shapes trains on the same tokens. Each row (prompt + completion) is
 * exactly {@code seqLen} tokens, so a batch has no padding: its first quarter is the prompt
 * (never scored), the rest the completion (every token scored). A pair's two completions start
 * with different tokens, so the prefix the two rows share is exactly the prompt and every batch
 * has the same shapes, also with shared prompts.
 */
public final class SyntheticPairs {

    private SyntheticPairs() {}

    /** Prompt tokens of a row of {@code seqLen}: a quarter of it, at least one. */
    public static int promptLength(int seqLen) {
        return Math.max(1, seqLen / 4);
    }

    /**
     * @param count     pairs
     * @param seqLen    T, tokens per row, at least 2
     * @param vocabSize ids are drawn from [0, vocabSize)
     * @param seed      seed of the draw
     * @return {@code count} pairs called {@code bench-0}, {@code bench-1}, ...
     */
    public static List<TokenizedPair> generate(int count, int seqLen, int vocabSize, long seed) {
        return generate(count, seqLen, vocabSize, seed, 0);
    }

    /**
     * Completions beyond the pair that a loss's records have, for the benchmark's synthetic ones:
     * WRPO's source chosen; for D2O one more sample (K = 2, 3 rows per prompt), as the benchmark has
     * no data to take K from.
     */
    public static int extraCompletions(Completions kind) {
        return switch (kind) {
            case PAIRS -> 0;
            case REJECTED_AND_SAMPLES, SOURCE_CHOSEN_AND_PAIRS -> 1;
        };
    }

    /**
     * As {@link #generate(int, int, int, long)}, each pair with {@code extra} further completions of
     * the same length ({@link TokenizedPair#extra}).
     */
    public static List<TokenizedPair> generate(int count, int seqLen, int vocabSize, long seed, int extra) {
        if (seqLen < 2) {
            throw new IllegalArgumentException("a row needs a prompt and a completion token, got seq_len " + seqLen);
        }
        int prompt = promptLength(seqLen);
        int completion = seqLen - prompt;
        Random random = new Random(seed);
        List<TokenizedPair> pairs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int[] chosen = ids(random, completion, vocabSize);
            int[] rejected = ids(random, completion, vocabSize);
            if (vocabSize > 1 && rejected[0] == chosen[0]) {
                rejected[0] = (chosen[0] + 1) % vocabSize;
            }
            int[] promptIds = ids(random, prompt, vocabSize);
            int[][] more = new int[extra][];
            for (int j = 0; j < extra; j++) {
                more[j] = ids(random, completion, vocabSize);
            }
            pairs.add(new TokenizedPair("bench-" + i, promptIds, chosen, rejected, more));
        }
        return pairs;
    }

    private static int[] ids(Random random, int length, int vocabSize) {
        int[] ids = new int[length];
        for (int i = 0; i < length; i++) {
            ids[i] = random.nextInt(vocabSize);
        }
        return ids;
    }
}
