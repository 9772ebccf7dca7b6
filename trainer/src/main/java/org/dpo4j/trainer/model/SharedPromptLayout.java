package org.dpo4j.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * A preference batch laid out so that each pair's prompt is computed once, not once per row
 * (prefix sharing, as in Wang &amp; Hegde, "Accelerating Direct Preference Optimization with
 * Prefix Sharing", 2024, but with the prompt as a group of its own rather than packed).
 *
 * <p>The batch: 2B right-padded rows of T tokens, row i the chosen and row B+i the rejected
 * sequence of pair i; both start with the same p_i prompt tokens, followed by c_r completion
 * tokens. Every position-wise op (embeddings, norms, projections, MLP) runs on one flat stream of
 *
 * <pre>
 *   S = B·P + 2B·C tokens:   B prompts of P = max p_i slots, then 2B completions of C = max c_r slots
 * </pre>
 *
 * instead of 2B·T. Attention runs in two groups:
 *
 * <pre>
 *   prompts      (B, H, P, D)  attend their own keys, causal, keys j &lt; p_i
 *   completions  (2B, H, C, D) attend [their pair's prompt keys (P) | their own keys (C)]:
 *                              prompt key j iff j &lt; p_i; own key j iff j ≤ query and j &lt; c_r
 * </pre>
 *
 * Completion token q of row r sits at row position p_i + q and attends exactly the keys the
 * row-wise forward lets it attend (prompt 0..p_i−1, completion 0..q), at the same positions, so
 * the hidden states are the row-wise ones up to float32 rounding. {@link #toRows} puts the flat
 * stream back into the (2B, T, ·) row layout, so that everything after the model is unchanged.
 *
 * <p>It pays when B·P + 2B·C &lt; 2B·T ({@link #positionsComputed()}): with equal prompt lengths
 * it saves B·p of the 2B·T positions; prompts and completions of very different lengths in one
 * batch can make it cost more, and then the caller should run the rows as they are.
 */
public final class SharedPromptLayout {

    private final int pairs;
    private final int promptSlots;
    private final int completionSlots;
    private final int seqLen;
    private final NDArray tokenIds;
    private final PositionIds promptPositions;
    private final PositionIds completionPositions;
    private final NDArray promptBias;
    private final NDArray completionBias;
    private final NDArray rowIndex;

    private SharedPromptLayout(int pairs, int promptSlots, int completionSlots, int seqLen, NDArray tokenIds,
            PositionIds promptPositions, PositionIds completionPositions, NDArray promptBias, NDArray completionBias,
            NDArray rowIndex) {
        this.pairs = pairs;
        this.promptSlots = promptSlots;
        this.completionSlots = completionSlots;
        this.seqLen = seqLen;
        this.tokenIds = tokenIds;
        this.promptPositions = promptPositions;
        this.completionPositions = completionPositions;
        this.promptBias = promptBias;
        this.completionBias = completionBias;
        this.rowIndex = rowIndex;
    }

    /**
     * The layout of a right-padded batch.
     *
     * @param manager       where its index and mask arrays are created
     * @param ids           2B·T token ids, row-major
     * @param rowLengths    2B real tokens per row (the rest of each row is padding)
     * @param promptLengths B prompt tokens per pair, p_i ≤ both its rows' lengths
     * @param seqLen        T
     * @throws IllegalArgumentException when the lengths do not fit, or a pair's two rows do not
     *                                  start with the same p_i tokens
     */
    public static SharedPromptLayout of(NDManager manager, long[] ids, int[] rowLengths, int[] promptLengths, int seqLen) {
        int b = promptLengths.length;
        if (rowLengths.length != 2 * b || ids.length != 2L * b * seqLen) {
            throw new IllegalArgumentException(b + " pairs need " + 2 * b + " rows of " + seqLen + " ids; got "
                    + rowLengths.length + " row lengths and " + ids.length + " ids");
        }
        for (int r = 0; r < 2 * b; r++) {
            int p = promptLengths[r % b];
            if (p < 0 || p > rowLengths[r] || rowLengths[r] > seqLen) {
                throw new IllegalArgumentException("row " + r + ": prompt " + p + " and row length " + rowLengths[r]
                        + " do not fit in " + seqLen + " positions");
            }
        }
        int promptSlots = promptSlots(promptLengths);
        int completionSlots = completionSlots(rowLengths, promptLengths);
        if (promptSlots == 0 || completionSlots == 0) {
            throw new IllegalArgumentException("no prompt or no completion token to share around; run the rows as they are");
        }
        requireSharedPrompts(ids, promptLengths, seqLen);
        int s = b * promptSlots + 2 * b * completionSlots;
        long[] flatIds = new long[s];
        long[] promptPos = new long[b * promptSlots];
        long[] completionPos = new long[2 * b * completionSlots];
        long[] rows = new long[2 * b * seqLen];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < promptLengths[i]; j++) {
                flatIds[i * promptSlots + j] = ids[i * seqLen + j];
                promptPos[i * promptSlots + j] = j;
            }
        }
        int completionStart = b * promptSlots;
        for (int r = 0; r < 2 * b; r++) {
            int p = promptLengths[r % b];
            int c = rowLengths[r] - p;
            for (int j = 0; j < c; j++) {
                flatIds[completionStart + r * completionSlots + j] = ids[r * seqLen + p + j];
                completionPos[r * completionSlots + j] = p + j;
            }
            for (int t = 0; t < rowLengths[r]; t++) {
                rows[r * seqLen + t] = t < p
                        ? (long) (r % b) * promptSlots + t
                        : completionStart + (long) r * completionSlots + (t - p);
            }
            // padding positions read slot 0: their hidden states are never used
        }
        return new SharedPromptLayout(b, promptSlots, completionSlots, seqLen,
                manager.create(flatIds),
                new PositionIds(manager.create(promptPos, new Shape(b, promptSlots)), maxOf(promptPos)),
                new PositionIds(manager.create(completionPos, new Shape(2L * b, completionSlots)), maxOf(completionPos)),
                promptBias(manager, promptLengths, promptSlots),
                completionBias(manager, rowLengths, promptLengths, promptSlots, completionSlots),
                manager.create(rows));
    }

    /**
     * Whether the shared layout computes fewer positions than the rows as they are:
     * B·P + 2B·C &lt; 2B·T, with at least one prompt and one completion token.
     *
     * @param rowLengths    2B real tokens per row
     * @param promptLengths B prompt tokens per pair
     * @param seqLen        T
     */
    public static boolean pays(int[] rowLengths, int[] promptLengths, int seqLen) {
        long b = promptLengths.length;
        int promptSlots = promptSlots(promptLengths);
        int completionSlots = completionSlots(rowLengths, promptLengths);
        return promptSlots > 0 && completionSlots > 0 && b * promptSlots + 2 * b * completionSlots < 2 * b * seqLen;
    }

    /** P = max p_i. */
    private static int promptSlots(int[] promptLengths) {
        return java.util.Arrays.stream(promptLengths).max().orElse(0);
    }

    /** C = max c_r, with c_r = row r's length − its pair's p_i. */
    private static int completionSlots(int[] rowLengths, int[] promptLengths) {
        int slots = 0;
        for (int r = 0; r < rowLengths.length; r++) {
            slots = Math.max(slots, rowLengths[r] - promptLengths[r % promptLengths.length]);
        }
        return slots;
    }

    /** Positions the shared layout computes, B·P + 2B·C, against 2B·T for the rows as they are. */
    public long positionsComputed() {
        return (long) pairs * promptSlots + 2L * pairs * completionSlots;
    }

    /** 2B·T, the positions of the row layout. */
    public long rowPositions() {
        return 2L * pairs * seqLen;
    }

    /** Query-key scores per head: B·P² for the prompts and 2B·C·(P + C) for the completions. */
    public long attentionScores() {
        return (long) pairs * promptSlots * promptSlots + 2L * pairs * completionSlots * (promptSlots + completionSlots);
    }

    /** (S) int64, the flat stream's token ids (padding slots hold 0). */
    public NDArray tokenIds() {
        return tokenIds;
    }

    /** (B, P) positions of the prompt slots, 0..p_i−1 (padding slots 0). */
    public PositionIds promptPositions() {
        return promptPositions;
    }

    /** (2B, C) positions of the completion slots, p_i..p_i+c_r−1 (padding slots 0). */
    public PositionIds completionPositions() {
        return completionPositions;
    }

    /** The flat stream's positions, (S), prompts then completions: for learned position tables. */
    public NDArray flatPositions() {
        return promptPositions.ids().reshape(-1).concat(completionPositions.ids().reshape(-1));
    }

    /**
     * Splits a flat projection into the two attention groups.
     *
     * @param flat (S, heads·D)
     * @return prompt (B, heads, P, D) and completion (2B, heads, C, D)
     */
    public Groups split(NDArray flat, int heads, int headDim) {
        long promptRows = (long) pairs * promptSlots;
        long total = flat.getShape().get(0);
        NDArray prompt = flat.get(0 + ":" + promptRows).reshape(pairs, promptSlots, heads, headDim).transpose(0, 2, 1, 3);
        NDArray completion = flat.get(promptRows + ":" + total)
                .reshape(2L * pairs, completionSlots, heads, headDim).transpose(0, 2, 1, 3);
        return new Groups(prompt, completion);
    }

    /**
     * Attention over the two groups, back on the flat stream.
     *
     * <pre>
     *   prompts:     softmax(scale·q_p k_pᵀ + promptBias) v_p                            (B, H, P, D)
     *   completions: softmax(scale·q_c [k_p; k_c]ᵀ + completionBias) [v_p; v_c]           (2B, H, C, D)
     * </pre>
     *
     * where [k_p; k_c] puts pair i's prompt keys before row r's own (r = i and r = B+i).
     *
     * @param q groups of (·, H, ·, D), after any rotary embedding
     * @param k the same, with every key head already repeated to H
     * @param v the same
     * @return (S, H·D)
     */
    public NDArray attend(Groups q, Groups k, Groups v, double scale) {
        return attend(q, k, v, scale, 0, 0);
    }

    /**
     * {@link #attend(Groups, Groups, Groups, double)} with Gemma's options: a sliding window (a
     * query at position p attends keys at positions above p − window only; positions are the
     * rows' own, which for right-padded rows are their slots) and soft-capped scores
     * ({@link MultiHeadAttention#attendSoftcapped}).
     *
     * @param softcap the score cap, or 0 for none
     * @param window  W, or 0 for the full causal context
     * @return (S, H·D)
     */
    public NDArray attend(Groups q, Groups k, Groups v, double scale, double softcap, int window) {
        NDArray promptMask = promptBias;
        NDArray completionMask = completionBias;
        if (window > 0) {
            NDArray promptPos = promptPositions.ids().toType(DataType.FLOAT32, false); // (B, P)
            NDArray completionPos = completionPositions.ids().toType(DataType.FLOAT32, false); // (2B, C)
            NDArray keyPos = bothRows(promptPos).concat(completionPos, 1); // (2B, P + C)
            promptMask = promptMask.add(windowBias(promptPos, promptPos, window));
            completionMask = completionMask.add(windowBias(completionPos, keyPos, window));
        }
        NDArray keys = bothRows(k.prompt()).concat(k.completion(), 2);
        NDArray values = bothRows(v.prompt()).concat(v.completion(), 2);
        NDArray prompt = softcap > 0
                ? MultiHeadAttention.attendSoftcapped(q.prompt(), k.prompt(), v.prompt(), promptMask, scale, softcap)
                : MultiHeadAttention.attend(q.prompt(), k.prompt(), v.prompt(), promptMask, scale);
        NDArray completion = softcap > 0
                ? MultiHeadAttention.attendSoftcapped(q.completion(), keys, values, completionMask, scale, softcap)
                : MultiHeadAttention.attend(q.completion(), keys, values, completionMask, scale);
        NDArray promptFlat = MultiHeadAttention.mergeHeads(prompt);
        NDArray completionFlat = MultiHeadAttention.mergeHeads(completion);
        long width = promptFlat.getShape().get(2);
        return promptFlat.reshape(-1, width).concat(completionFlat.reshape(-1, width), 0);
    }

    /**
     * The flat stream back in the row layout: row r, position t is pair i's prompt slot t when
     * t &lt; p_i, else row r's completion slot t − p_i. Padding positions hold slot 0's values.
     *
     * @param flat (S, d)
     * @return (2B, T, d)
     */
    public NDArray toRows(NDArray flat) {
        long d = flat.getShape().get(1);
        return flat.get(rowIndex).reshape(2L * pairs, seqLen, d);
    }

    /**
     * (R, 1, Q, K): 0 where query position − key position &lt; window, {@link
     * AttentionMask#MASKED_SCORE} elsewhere. Padding slots hold position 0; their keys are
     * masked by the causal bias anyway, and their queries' outputs are never read.
     *
     * @param queries (R, Q) float32 positions
     * @param keys    (R, K) float32 positions
     */
    private static NDArray windowBias(NDArray queries, NDArray keys, int window) {
        Shape q = queries.getShape();
        Shape k = keys.getShape();
        NDArray inside = queries.reshape(q.get(0), 1, q.get(1), 1).sub(keys.reshape(k.get(0), 1, 1, k.get(1))).lt(window);
        return bias(inside.toType(DataType.FLOAT32, false));
    }

    /** (B, ·, ·, ·) to (2B, ·, ·, ·): pair i's array for row i and for row B+i. */
    private static NDArray bothRows(NDArray perPair) {
        return NDArrays.concat(new NDList(perPair, perPair), 0);
    }

    /**
     * (B, 1, P, P): query j may attend key k iff k ≤ j and k &lt; p_i. A padding query keeps its
     * row's allowed keys, so its (unused) output is finite. Built with array ops from the B
     * lengths, so no mask-sized array is copied in from Java (see {@link RotaryTables#at}).
     */
    private static NDArray promptBias(NDManager manager, int[] promptLengths, int slots) {
        int b = promptLengths.length;
        NDArray keys = manager.arange(0, slots, 1, DataType.FLOAT32);
        NDArray causal = keys.reshape(1, 1, 1, slots).lte(keys.reshape(1, 1, slots, 1));
        NDArray real = keys.reshape(1, 1, 1, slots).lt(lengths(manager, promptLengths, b).reshape(b, 1, 1, 1));
        return bias(causal.toType(DataType.FLOAT32, false).mul(real.toType(DataType.FLOAT32, false)));
    }

    /**
     * (2B, 1, C, P + C): completion query q of row r may attend prompt key k iff k &lt; p_i, and
     * its own key P + j iff j ≤ q and j &lt; c_r.
     */
    private static NDArray completionBias(NDManager manager, int[] rowLengths, int[] promptLengths, int promptSlots,
            int completionSlots) {
        int rows = rowLengths.length;
        int b = promptLengths.length;
        int[] rowPrompts = new int[rows];
        int[] rowCompletions = new int[rows];
        for (int r = 0; r < rows; r++) {
            rowPrompts[r] = promptLengths[r % b];
            rowCompletions[r] = rowLengths[r] - rowPrompts[r];
        }
        NDArray promptKeys = manager.arange(0, promptSlots, 1, DataType.FLOAT32).reshape(1, 1, 1, promptSlots)
                .lt(lengths(manager, rowPrompts, rows).reshape(rows, 1, 1, 1))
                .toType(DataType.FLOAT32, false)
                .broadcast(rows, 1, completionSlots, promptSlots);
        NDArray own = manager.arange(0, completionSlots, 1, DataType.FLOAT32);
        NDArray causal = own.reshape(1, 1, 1, completionSlots).lte(own.reshape(1, 1, completionSlots, 1))
                .toType(DataType.FLOAT32, false);
        NDArray real = own.reshape(1, 1, 1, completionSlots).lt(lengths(manager, rowCompletions, rows).reshape(rows, 1, 1, 1))
                .toType(DataType.FLOAT32, false);
        return bias(promptKeys.concat(causal.mul(real), 3));
    }

    /** (n) float32 lengths. */
    private static NDArray lengths(NDManager manager, int[] lengths, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = lengths[i];
        }
        return manager.create(values);
    }

    /** 0 where allowed (1), {@link AttentionMask#MASKED_SCORE} where not (0); never needs a gradient. */
    private static NDArray bias(NDArray allowed) {
        return allowed.sub(1).mul(-AttentionMask.MASKED_SCORE);
    }

    private static void requireSharedPrompts(long[] ids, int[] promptLengths, int seqLen) {
        int b = promptLengths.length;
        for (int i = 0; i < b; i++) {
            for (int t = 0; t < promptLengths[i]; t++) {
                if (ids[i * seqLen + t] != ids[(b + i) * seqLen + t]) {
                    throw new IllegalArgumentException("pair " + i + ": its rows differ at prompt position " + t);
                }
            }
        }
    }

    private static long maxOf(long[] values) {
        long max = 0;
        for (long v : values) {
            max = Math.max(max, v);
        }
        return max;
    }

    /**
     * One projection split into the two attention groups.
     *
     * @param prompt     (B, heads, P, D)
     * @param completion (2B, heads, C, D)
     */
    public record Groups(NDArray prompt, NDArray completion) {

        /** Each group's key/value heads repeated for grouped-query attention. */
        public Groups repeatKv(int groups) {
            return new Groups(MultiHeadAttention.repeatKv(prompt, groups), MultiHeadAttention.repeatKv(completion, groups));
        }
    }
}
