package org.dpo4j.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * A decoder-only language model: token ids in, next-token logits out. One implementation per
 * {@link ModelFamily}, built by its {@link ModelArchitecture#forwardPass}, so that a trainer or a
 * scorer never needs to know which architecture it drives.
 *
 * <p>Attention: query i may attend key j iff j ≤ i and {@code attentionMask[j] == 1}. Every
 * intermediate array is created in the caller's {@code NDScope}; the weights are only read, so
 * a forward pass inside a {@code GradientCollector} back-propagates into them.
 */
public interface CausalLm {

    /** The hyper-parameters this model was built for. */
    ModelArchitecture architecture();

    /** The family of {@link #architecture()}. */
    default ModelFamily family() {
        return architecture().family();
    }

    /** The parameters, under their Hugging Face names. */
    ModelWeights weights();

    /**
     * Logits with positions 0..T−1 in every row: the right-padded batches the trainer builds.
     * {@code head(hiddenStates(inputIds, attentionMask))}.
     *
     * @param inputIds      (N, T) int64 token ids
     * @param attentionMask (N, T) 1 on real tokens, 0 on padding, any numeric type
     * @return (N, T, V) float32; row n, position t predicts the token at t+1
     */
    default NDArray forward(NDArray inputIds, NDArray attentionMask) {
        return head(hiddenStates(inputIds, attentionMask));
    }

    /**
     * The last hidden states, after the final norm, with positions 0..T−1 in every row: what
     * {@link #forward(NDArray, NDArray)} feeds the head. A caller that needs the logits at a few
     * positions only gathers them here and applies {@link #head} to those rows (the head is the
     * largest matmul of a small model, and its (·, V) output the largest array of a step).
     *
     * @param inputIds      (N, T) int64 token ids
     * @param attentionMask (N, T) 1 on real tokens, 0 on padding, any numeric type
     * @return (N, T, d) float32
     */
    NDArray hiddenStates(NDArray inputIds, NDArray attentionMask);

    /**
     * {@link #hiddenStates(NDArray, NDArray)} of a preference batch, computing each pair's prompt
     * once for both of its rows ({@link SharedPromptLayout}): the same values up to float32
     * rounding at every real token, in the same (2B, T, d) row layout; padding positions hold
     * arbitrary finite values.
     */
    NDArray hiddenStates(SharedPromptLayout layout);

    /**
     * The language-model head: h·Wᵀ with W the (V, d) output embedding (the input embedding when
     * the config ties them). Position-wise, so it applies to any leading shape.
     *
     * @param hidden (..., d) final hidden states, e.g. (N, T, d) or (M, d) gathered rows
     * @return (..., V) logits
     */
    NDArray head(NDArray hidden);

    /**
     * The head's weight W, (V, d): {@link #head}(h) = {@link #capLogits}(h·Wᵀ), the product taken
     * as {@link Linear#apply} takes it. The input embedding when the config ties them.
     */
    NDArray headWeight();

    /**
     * What the head applies after h·Wᵀ: the identity, or a family's final soft-cap
     * (Gemma 3's c·tanh(a/c)). Position-wise.
     *
     * @param logits (..., V) h·Wᵀ
     * @return (..., V) the logits {@link #head} returns
     */
    default NDArray capLogits(NDArray logits) {
        return logits;
    }

    /** Whether {@link #capLogits} is other than the identity (a family's soft-cap is set). */
    default boolean capsLogits() {
        return false;
    }

    /**
     * Logits with explicit positions, e.g. {@code cumsum(mask) − 1} for a left-padded batch as
     * Hugging Face's {@code generate()} builds it (padded slots hold any valid position).
     *
     * @param inputIds      (N, T) int64 token ids
     * @param attentionMask (N, T) 1 on real tokens, 0 on padding, any numeric type
     * @param positionIds   (N, T) integer positions, each ≥ 0 (and below the architecture's
     *                      {@link ModelArchitecture#maxSequenceLength()})
     * @return (N, T, V) float32
     */
    NDArray forward(NDArray inputIds, NDArray attentionMask, NDArray positionIds);

    /**
     * An empty key/value cache for {@link #prefill} and {@link #decode}; close it when done.
     *
     * @param manager  its arrays live in a sub-manager of this one
     * @param batch    N, the rows
     * @param capacity the most tokens a row will hold, (left) padding included
     * @throws IllegalArgumentException when {@code capacity} exceeds
     *     {@link ModelArchitecture#maxSequenceLength()}
     */
    KvCache newCache(NDManager manager, int batch, int capacity);

    /**
     * Appends T tokens per row to {@code cache} and returns their logits: the same values as
     * {@link #forward(NDArray, NDArray, NDArray)} over everything the cache has seen, at the new
     * positions only. Positions are counted per row over the real tokens ({@link KvCache}).
     *
     * @param inputIds      (N, T) int64 token ids
     * @param attentionMask (N, T) 1 on real tokens, 0 on padding (left padding in a prompt)
     * @param cache         from {@link #newCache}, with room for T more slots
     * @return (N, T, V) float32
     */
    NDArray forwardCached(NDArray inputIds, NDArray attentionMask, KvCache cache);

    /**
     * Runs a left-padded prompt batch into an empty cache.
     *
     * @param inputIds      (N, P) int64
     * @param attentionMask (N, P) 1 on real tokens, 0 on left padding
     * @return (N, V) float32, the logits after each row's last prompt token
     */
    default NDArray prefill(NDArray inputIds, NDArray attentionMask, KvCache cache) {
        if (cache.length() != 0) {
            throw new IllegalArgumentException("prefill needs an empty cache; it holds " + cache.length() + " slots");
        }
        NDArray logits = forwardCached(inputIds, attentionMask, cache);
        long last = logits.getShape().get(1) - 1;
        return logits.get(":, " + last + ", :");
    }

    /**
     * Feeds one new token per row, attending to the cache.
     *
     * @param tokens (N) int64, each row's next token
     * @return (N, V) float32, the logits for the token after it
     */
    default NDArray decode(NDArray tokens, KvCache cache) {
        long n = tokens.getShape().get(0);
        NDArray ids = tokens.toType(DataType.INT64, false).reshape(n, 1);
        NDArray mask = tokens.getManager().ones(ids.getShape(), DataType.INT64);
        return forwardCached(ids, mask, cache).reshape(n, architecture().vocabSize());
    }

    /**
     * The forward pass of {@code architecture} over {@code weights}.
     *
     * @throws IllegalArgumentException when a tensor the architecture needs is missing or has
     *                                  another shape
     */
    static CausalLm of(ModelArchitecture architecture, ModelWeights weights) {
        return architecture.forwardPass(weights);
    }
}
