package org.dpo4j.trainer.data;

/**
 * A pair as token ids. A row is {@code prompt ++ completion}; only the completion is scored.
 *
 * <p>Records with more than two completions per prompt (D2O, WRPO) keep two of them as the pair
 * and the others in {@code extra}, one row each after the pair's two
 * ({@link org.dpo4j.trainer.data.Batcher}): WRPO's source chosen completion; D2O's samples 2..K,
 * its first sample standing as {@code chosen} (see {@link CompletionRows}).
 *
 * @param id       the pair's id
 * @param prompt   prompt ids (BOS first when the tokenizer has one)
 * @param chosen   chosen completion ids, EOS last
 * @param rejected rejected completion ids, EOS last
 * @param extra    further completions' ids, each EOS last; empty for pairs
 */
public record TokenizedPair(String id, int[] prompt, int[] chosen, int[] rejected, int[][] extra) {

    private static final int[][] NONE = new int[0][];

    public TokenizedPair {
        extra = extra == null ? NONE : extra;
    }

    /** A pair with no further completions. */
    public TokenizedPair(String id, int[] prompt, int[] chosen, int[] rejected) {
        this(id, prompt, chosen, rejected, NONE);
    }

    /** Rows this record lays out: 2 plus its further completions. */
    public int rows() {
        return 2 + extra.length;
    }

    /** Row {@code slot}'s completion: 0 chosen, 1 rejected, 2+j {@code extra[j]}. */
    public int[] completion(int slot) {
        return switch (slot) {
            case 0 -> chosen;
            case 1 -> rejected;
            default -> extra[slot - 2];
        };
    }

    /** Length of the longest of its rows. */
    public int maxRowLength() {
        int longest = Math.max(chosen.length, rejected.length);
        for (int[] completion : extra) {
            longest = Math.max(longest, completion.length);
        }
        return prompt.length + longest;
    }

    /** Tokens over all its rows, prompt counted once per row. */
    public long realTokens() {
        long tokens = 0;
        for (int slot = 0; slot < rows(); slot++) {
            tokens += prompt.length + completion(slot).length;
        }
        return tokens;
    }
}
