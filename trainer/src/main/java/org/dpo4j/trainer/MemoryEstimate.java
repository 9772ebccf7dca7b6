package org.dpo4j.trainer;

import org.dpo4j.trainer.model.Gpt2Config;
import org.dpo4j.trainer.model.LlamaConfig;
import org.dpo4j.trainer.model.ModelArchitecture;

/**
 * An estimate of a training run's peak native memory, in bytes, by part. Everything is float32
 * (4 bytes), as dpo4j trains. {@code dpo4j validate} prints it; the benchmark compares it with
 * the measured peak resident memory, which adds the JVM and libtorch themselves (a few hundred
 * MB) and the allocator's slack.
 *
 * <p>With P the policy's parameters, P_ref the reference's, B = {@code train.batch_size},
 * R = 2B rows (chosen and rejected), T = {@code data.max_length}, A =
 * {@code gradient_accumulation_steps}:
 * <pre>
 *   policy weights     4·P
 *   reference weights  4·P_ref, or 0 when its log-probs are precomputed (the model is freed)
 *   reference cache    8·4·N for N cached pairs (four float64 values per pair), else 0
 *   gradients          4·P
 *   optimizer state    8·P                       AdamW's two moments
 *   activations        4·A·R·(T·(L·perToken + head) + L·3·H·T²)   policy forward
 *                    + the same for the reference forward when it runs live
 * </pre>
 * This counts every intermediate of the forward pass (not only what autograd saves), for each
 * of the A micro-batches, the reference's forward included, and vocabulary-wide arrays at every
 * position: the lifetimes before each decoder block and micro-batch got its own scope and the
 * head ran only at scored positions. It is therefore an upper bound of what a step now holds,
 * by a factor of about 2 for the {@code small} preset; see docs/performance.md.
 *
 * <p>Per token of one row, per layer (L layers, width d, H query heads and H_kv key/value heads
 * of size h, MLP width I):
 * <ul>
 *   <li>Llama family: 8d (two RMSNorms' normalised and scaled outputs, two residual sums, the
 *       attention and MLP output projections) + (H + 2H_kv)·h (q, k, v) + (H + H_kv)·h (rotated
 *       q and k) + H·h (attention context) + 4I (gate, up, SiLU(gate), their product);</li>
 *   <li>GPT-2: 12d (two LayerNorms' normalised and scaled outputs, two residual sums, the fused
 *       q/k/v projection of width 3d, the context, the two output projections) + 2I (the MLP's
 *       first projection and its activation);</li>
 *   <li>both: 3·H·T per token for the attention scores, the masked scores and the softmax
 *       (the 3·H·T² term above).</li>
 * </ul>
 * The head adds, per token: the embedding output and the final norm's two outputs (3d), the
 * logits and their log-softmax over the vocabulary (2V), and for losses with a per-token KL
 * (TDPO) three more vocabulary-wide arrays (the reference's probabilities, the policy's
 * log-probabilities it is compared with, and their product).
 *
 * @param policyWeights        the trained parameters
 * @param referenceWeights     the frozen reference's parameters (0 when precomputed)
 * @param referenceCache       the precomputed reference log-probs (0 when live)
 * @param gradients            one gradient per parameter
 * @param optimizerState       AdamW's first and second moments
 * @param policyActivations    the policy forward's arrays of one optimizer step
 * @param referenceActivations the reference forward's arrays of one optimizer step (0 when not run)
 */
public record MemoryEstimate(
        long policyWeights,
        long referenceWeights,
        long referenceCache,
        long gradients,
        long optimizerState,
        long policyActivations,
        long referenceActivations) {

    /** Bytes of one float32. */
    static final long FLOAT = 4;

    /** Bytes per cached pair: chosen and rejected log-probs and token counts, float64 each. */
    static final long CACHE_BYTES_PER_PAIR = 4 * 8;

    /** How the run's reference is held. */
    public enum ReferenceMode {
        /** Run on every batch. */
        LIVE,
        /** Loaded but never run: the loss is reference-free. */
        UNUSED,
        /** Its sequence log-probs are computed before training and its weights freed. */
        PRECOMPUTED
    }

    /**
     * @param policy        the policy's architecture
     * @param reference     the reference's architecture (the policy's for a frozen copy)
     * @param mode          how the reference is held
     * @param tokenKl       whether the loss compares the two distributions per token (TDPO)
     * @param batchSize     {@code train.batch_size}, pairs per micro-batch
     * @param maxLength     {@code data.max_length}, the longest row
     * @param accumulation  {@code train.gradient_accumulation_steps}
     * @param cachedPairs   training plus held-out pairs (the cache's rows when precomputed)
     */
    public static MemoryEstimate of(ModelArchitecture policy, ModelArchitecture reference, ReferenceMode mode,
            boolean tokenKl, int batchSize, int maxLength, int accumulation, long cachedPairs) {
        long p = policy.parameterCount();
        long rows = 2L * batchSize;
        long perStep = FLOAT * accumulation * rows;
        long policyActivations = perStep * forwardFloatsPerRow(policy, maxLength, tokenKl);
        long referenceActivations = mode == ReferenceMode.LIVE ? perStep * forwardFloatsPerRow(reference, maxLength, false) : 0;
        return new MemoryEstimate(
                FLOAT * p,
                mode == ReferenceMode.PRECOMPUTED ? 0 : FLOAT * reference.parameterCount(),
                mode == ReferenceMode.PRECOMPUTED ? CACHE_BYTES_PER_PAIR * cachedPairs : 0,
                FLOAT * p,
                2 * FLOAT * p,
                policyActivations,
                referenceActivations);
    }

    /** The sum of the parts. */
    public long total() {
        return policyWeights + referenceWeights + referenceCache + gradients + optimizerState + activations();
    }

    /** Policy and reference activations. */
    public long activations() {
        return policyActivations + referenceActivations;
    }

    /** Floats one forward pass keeps for one row of {@code t} tokens (see the class comment). */
    static long forwardFloatsPerRow(ModelArchitecture model, long t, boolean tokenKl) {
        long d = model.hiddenSize();
        long perToken;
        long heads;
        if (model instanceof LlamaConfig c) {
            long h = c.headDim();
            heads = c.numHeads();
            long kv = c.numKvHeads();
            perToken = 8 * d + (heads + 2 * kv) * h + (heads + kv) * h + heads * h + 4L * c.intermediateSize();
        } else if (model instanceof Gpt2Config c) {
            heads = c.numHeads();
            perToken = 12 * d + 2L * c.innerSize();
        } else {
            throw new IllegalArgumentException("no memory model for " + model.modelType());
        }
        long head = 3 * d + (tokenKl ? 5L : 2L) * model.vocabSize();
        return t * (model.numLayers() * perToken + head) + model.numLayers() * 3 * heads * t * t;
    }
}
