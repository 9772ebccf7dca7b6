package org.dpo4j.trainer.run;

import org.dpo4j.losses.LossRequirements;
import org.dpo4j.trainer.model.ModelArchitecture;
import org.dpo4j.trainer.scoring.TokenScores;

/**
 * An estimate of a training run's peak resident memory, in bytes, by part. Everything is float32
 * (4 bytes), as dpo4j trains. {@code dpo4j validate} prints it; {@code dpo4j bench} prints it
 * next to the measured peak resident set, which adds the allocator's slack.
 *
 * <p>With P the policy's parameters, P_ref the reference's, B = {@code train.batch_size},
 * R = S·B rows (S = 2, chosen and rejected; 3 for WRPO, K + 1 for D2O), T = {@code data.max_length}:
 * <pre>
 *   policy weights     4·P
 *   reference weights  4·P_ref, or 0 when its log-probs are precomputed (the model is freed)
 *   reference cache    8·4·N for N cached pairs (four float64 values per pair), else 0
 *   gradients          4·P
 *   optimizer state    8·P                       AdamW's two moments
 *   policy activations 4·R·(saved(T) + block(T)) + 4·head(V)
 *   reference          4·R·T·d_ref when the loss reads the reference's distribution per token
 *                      (TDPO's KL, Ra-DPO's risk): its hidden states at the scored positions, from
 *                      which each chunk's log-probs are rebuilt ({@code scoring.ReferenceDistribution}); else 0
 *   runtime            {@value #RUNTIME_MIB} MiB: the JVM and libtorch themselves
 * </pre>
 * Why these terms: each decoder block runs in its own scope that keeps only its output, and
 * each micro-batch's arrays are freed before the next, so a step holds what autograd saves for
 * one micro-batch's backward pass (saved), plus, while one block runs, that block's own arrays
 * (block); gradient accumulation does not multiply it. The live reference keeps no graph:
 * its forward needs one block's arrays and its head, both freed before the policy's forward, so
 * it adds to the peak only what it hands to the loss.
 *
 * <p>saved(T) = T·L·s + L·H·T² + T·(d + c), with L layers, width d, H query heads, the
 * (H, T, T) softmax output per layer, and what the head keeps at every position (an upper bound:
 * only scored positions run the head): its input (d) and c = {@value #HEAD_SCALARS} scalars (label
 * log-prob, mean logit, entropy, accuracy), one more with a per-token divergence. The head keeps
 * no (M, V) array ({@code scoring.RecomputedHead}); while one chunk of positions runs it holds
 * chunk(V) = k·min(R·T, rows(V))·V floats once per micro-batch, rows(V) the chunk's rows
 * ({@code TokenScores.chunkRows}), k = {@value #CHUNK_ARRAYS} (logits, log-softmax and their
 * gradients), two more with a per-token divergence (the reference's chunk and the product).
 * Where the scored positions' (M, V) probabilities are no larger than the head weight (M ≤ d)
 * and the loss reads only the label log-probs, a trainable head keeps them from its forward to
 * its backward pass instead ({@code scoring.KeptProbabilities}): kept(V) = (min(R·T, d) +
 * {@value #KEPT_CHUNK_ARRAYS}·rows(V))·V, the probabilities and one chunk's log-softmax and exp;
 * head(V) is the larger of the two, chunk(V) with a per-token divergence. Per
 * token per layer, s is each family's
 * {@link ModelArchitecture#savedFloatsPerTokenPerLayer()}, derived beside each family's record:
 * 5d + 3·H·D + 5I for the Llama family (MLP width I; 2I from 100M parameters, whose blocks are
 * back-propagated in segments, {@code model.SegmentedBackward}), 8d + 5I for GPT-2, Llama's plus 2·(H + KV)·D for Qwen3's q/k norms, 9d + 3·H·D + 2·(H + KV)·D + 5I for
 * Gemma 3 (four norms per block).
 *
 * <p>block(T) = T·s + 3·H·T²: one block's saved arrays while it runs, plus its raw, scaled and
 * masked scores, which live only until the block's scope closes.
 *
 * <p>The activations are an upper bound in two ways: every row is taken as {@code max_length}
 * tokens, and each pair's two rows as computed whole, while {@code train.share_prompts} computes
 * the shared prompt once. The runtime is measured: the peak resident set of
 * {@code dpo4j bench --seq-len 2 --batch-size 1 --matmul-size 64} (the tiny preset, 7 MB of
 * weights and next to no activations) is 245-248 MB. Not counted: memory the
 * allocator keeps after it is freed; docs/performance.md compares the estimate with measured
 * peaks.
 *
 * @param policyWeights        the trained parameters
 * @param referenceWeights     the frozen reference's parameters (0 when precomputed)
 * @param referenceCache       the precomputed reference log-probs (0 when live)
 * @param gradients            one gradient per parameter
 * @param optimizerState       AdamW's first and second moments
 * @param policyActivations    the policy's arrays at the peak of a micro-batch: R·(saved(T) + block(T))
 *                             + head(V)
 * @param referenceActivations what the reference keeps through the policy's pass (TDPO's
 *                             hidden states at the scored positions; else 0)
 * @param runtime              the JVM and libtorch ({@value #RUNTIME_MIB} MiB)
 */
public record MemoryEstimate(
        long policyWeights,
        long referenceWeights,
        long referenceCache,
        long gradients,
        long optimizerState,
        long policyActivations,
        long referenceActivations,
        long runtime) {

    /** Resident memory of the JVM and libtorch with no model, measured (see the class comment). */
    public static final long RUNTIME_MIB = 250;

    /** Scalars the head keeps per position: label log-prob, mean logit, entropy, accuracy. */
    static final long HEAD_SCALARS = 4;

    /** (rows, V) arrays of the head's running chunk: logits, log-softmax and their gradients. */
    static final long CHUNK_ARRAYS = 4;

    /** (rows, V) arrays beside the kept (M, V) probabilities while a chunk's are made: log-softmax and exp. */
    static final long KEPT_CHUNK_ARRAYS = 2;

    /** Bytes of one float32. */
    static final long FLOAT = 4;

    /** Bytes per cached pair: chosen and rejected log-probs and token counts, float64 each. */
    static final long CACHE_BYTES_PER_PAIR = 4 * 8;

    /** How the run's reference is held. */
    public enum ReferenceMode {
        /** Run on every batch. */
        LIVE("live"),
        /** Loaded but never run: the loss is reference-free. */
        UNUSED("none"),
        /** Its sequence log-probs are computed before training and its weights freed. */
        PRECOMPUTED("precomputed");

        private final String label;

        ReferenceMode(String label) {
            this.label = label;
        }

        /** The benchmark's word for it ({@code bench}'s {@code reference} field). */
        public String label() {
            return label;
        }
    }

    /**
     * The estimate for a loss with requirements {@code needs}: the reference's per-token
     * distribution counted when the loss reads it ({@link LossRequirements#referenceDistribution}:
     * TDPO's divergence, Ra-DPO's risk), and {@code rowsPerPair} rows per pair.
     *
     * @param rowsPerPair S: 2 for pairs, 3 for WRPO, K + 1 for D2O
     */
    public static MemoryEstimate of(ModelArchitecture policy, ModelArchitecture reference, ReferenceMode mode,
            LossRequirements needs, int batchSize, int rowsPerPair, int maxLength, long cachedPairs) {
        return of(policy, reference, mode, needs.referenceDistribution(), (long) rowsPerPair * batchSize, maxLength,
                cachedPairs);
    }

    /**
     * @param policy        the policy's architecture
     * @param reference     the reference's architecture (the policy's for a frozen copy)
     * @param mode          how the reference is held
     * @param tokenKl       whether the loss compares the two distributions per token (TDPO)
     * @param batchSize     {@code train.batch_size}, pairs per micro-batch
     * @param maxLength     {@code data.max_length}, the longest row
     * @param cachedPairs   training plus held-out pairs (the cache's rows when precomputed)
     */
    public static MemoryEstimate of(ModelArchitecture policy, ModelArchitecture reference, ReferenceMode mode,
            boolean tokenKl, int batchSize, int maxLength, long cachedPairs) {
        return of(policy, reference, mode, tokenKl, 2L * batchSize, maxLength, cachedPairs);
    }

    private static MemoryEstimate of(ModelArchitecture policy, ModelArchitecture reference, ReferenceMode mode,
            boolean tokenKl, long rows, int maxLength, long cachedPairs) {
        long p = policy.parameterCount();
        long policyActivations = FLOAT * rows
                * (savedFloatsPerRow(policy, maxLength, tokenKl) + blockFloatsPerRow(policy, maxLength))
                + FLOAT * headFloats(policy, rows * maxLength, tokenKl);
        long referenceActivations = mode == ReferenceMode.LIVE && tokenKl
                ? FLOAT * rows * maxLength * reference.hiddenSize()
                : 0;
        return new MemoryEstimate(
                FLOAT * p,
                mode == ReferenceMode.PRECOMPUTED ? 0 : FLOAT * reference.parameterCount(),
                mode == ReferenceMode.PRECOMPUTED ? CACHE_BYTES_PER_PAIR * cachedPairs : 0,
                FLOAT * p,
                2 * FLOAT * p,
                policyActivations,
                referenceActivations,
                RUNTIME_MIB << 20);
    }

    /**
     * This estimate for a LoRA run training {@code trainable} scalars (the adapters, and any
     * biases they train): the policy's weights grow by the adapters, gradients and AdamW's moments
     * cover the trainable scalars only, and the reference costs nothing when it is the policy's
     * base with the adapters off ({@code sharedReference}; not with {@code reference.path}).
     * Activations stay the full fine-tune's bound: a frozen layer saves no input for a weight
     * gradient, and the adapters' own r-wide arrays are small beside it.
     */
    public MemoryEstimate withAdapters(long trainable, boolean sharedReference) {
        return new MemoryEstimate(policyWeights + FLOAT * trainable, sharedReference ? 0 : referenceWeights, referenceCache,
                FLOAT * trainable, 2 * FLOAT * trainable, policyActivations, referenceActivations, runtime);
    }

    /** The sum of the parts. */
    public long total() {
        return policyWeights + referenceWeights + referenceCache + gradients + optimizerState + activations() + runtime;
    }

    /** Policy and reference activations. */
    public long activations() {
        return policyActivations + referenceActivations;
    }

    /** saved(T): floats autograd keeps for one row's backward pass (see the class comment). */
    static long savedFloatsPerRow(ModelArchitecture model, long t, boolean tokenKl) {
        long layers = model.numLayers();
        long head = model.hiddenSize() + HEAD_SCALARS + (tokenKl ? 1L : 0L);
        return t * layers * savedPerTokenPerLayer(model) + layers * queryHeads(model) * t * t + t * head;
    }

    /**
     * head(V): floats the head holds at most while it runs, at most {@code positions} of them
     * scored (see the class comment): chunk(V), or kept(V) where that is more and the loss reads
     * only the label log-probs.
     */
    static long headFloats(ModelArchitecture model, long positions, boolean tokenKl) {
        long rows = Math.min(positions, TokenScores.chunkRows(model.vocabSize()));
        long chunk = (CHUNK_ARRAYS + (tokenKl ? 2L : 0L)) * rows * model.vocabSize();
        long kept = (Math.min(positions, model.hiddenSize()) + KEPT_CHUNK_ARRAYS * rows) * model.vocabSize();
        return tokenKl ? chunk : Math.max(chunk, kept);
    }

    /** block(T): floats of one decoder block while it runs, for one row (see the class comment). */
    static long blockFloatsPerRow(ModelArchitecture model, long t) {
        return t * savedPerTokenPerLayer(model) + 3 * queryHeads(model) * t * t;
    }

    /** s: floats a decoder block saves per token (see the class comment). */
    static long savedPerTokenPerLayer(ModelArchitecture model) {
        return model.savedFloatsPerTokenPerLayer();
    }

    private static long queryHeads(ModelArchitecture model) {
        return model.numHeads();
    }
}
