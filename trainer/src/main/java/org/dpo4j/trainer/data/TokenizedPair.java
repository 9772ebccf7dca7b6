package org.dpo4j.trainer.data;

/**
 * A pair as token ids. A row is {@code prompt ++ completion}; only the completion is scored.
 *
 * @param id       the pair's id
 * @param prompt   prompt ids (BOS first when the tokenizer has one)
 * @param chosen   chosen completion ids, EOS last
 * @param rejected rejected completion ids, EOS last
 */
public record TokenizedPair(String id, int[] prompt, int[] chosen, int[] rejected) {

    /** Length of the longer of the two rows. */
    public int maxRowLength() {
        return prompt.length + Math.max(chosen.length, rejected.length);
    }
}
