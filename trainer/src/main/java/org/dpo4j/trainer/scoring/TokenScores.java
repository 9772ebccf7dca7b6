package org.dpo4j.trainer.scoring;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.dpo4j.losses.TokenMetrics;
import org.dpo4j.trainer.model.CausalLm;

/**
 * The LM head and the log-softmax at the gathered positions of a batch ({@link ScoredPositions})
 * and what the scorer reads from them. With z = head(h_m), (M, V):
 *
 * <pre>
 *   logProbs_m      = log_softmax(z_m) = z_m − logsumexp_v z_m,v      (M, V)
 *   labelLogProbs_m = logProbs_m[label_m]                              (M)
 *   meanLogits_m    = (1/V)·Σ_v z_m,v, detached (TRL's logits/* metric) (M)
 *   entropy_m       = −Σ_v p_m,v·logProbs_m,v, detached (TRL's entropy)    (M)  policy's metrics,
 *   correct_m       = [argmax_v z_m,v = label_m] (mean_token_accuracy)     (M)  only when asked
 *   wpo_m           = labelLogProbs_m − log Σ_v p_m,v², detached (WPO), only when asked
 * </pre>
 *
 * <p>Why log-softmax then gather: PyTorch's log_softmax saves only its output for backward
 * (∂/∂z = g − softmax(z)·Σg, from the output alone) and gather only its index, so exactly one
 * (M, V) array is kept for backward; the logits themselves are saved by nothing (the head's
 * matmul saves its inputs). DJL has no logsumexp op; spelled out (max, subtract, exp, sum, log)
 * it would save the exp, also (M, V), and make two more (M, V) temporaries. All of it runs in
 * its own {@link NDScope}, so the logits and the temporaries are freed as soon as these values
 * are taken; only the results move to the caller's scope (and the log-probs that autograd
 * saved live until backward). Training's policy pass does not keep even those:
 * {@link RecomputedHead} runs these chunks without a graph and recomputes them in backward; this
 * class is the plain autograd path (the reference's pass, and the implementation
 * {@link RecomputedHead} is tested against).
 *
 * @param labelLogProbs (M) log π(label_m | position m)
 * @param meanLogits    (M) mean logit over the vocabulary, no gradient
 * @param entropy       (M) entropy of the next-token distribution, no gradient, or null when not asked
 * @param correct       (M) 1 where the argmax is the label, else 0, no gradient, or null when not asked
 * @param wpoTerms      (M) WPO's per-token log weight terms, no gradient, or null when not asked
 * @param logProbs      (M, V) the full log-distributions, kept only when asked (TDPO's
 *                      per-token KL, Ra-DPO's risk); else null
 */
public record TokenScores(
        NDArray labelLogProbs, NDArray meanLogits, NDArray entropy, NDArray correct, NDArray wpoTerms, NDArray logProbs) {

    /**
     * Rows of the (M, V) arrays per chunk: enough that each chunk's head matmul reads the (V, d)
     * head weight for at least {@value #MIN_CHUNK_ROWS} rows, and otherwise few enough that a
     * chunk's (rows, V) float32 arrays stay at most {@value #CHUNK_BYTES} bytes.
     */
    public static int chunkRows(int vocabSize) {
        return Math.max(MIN_CHUNK_ROWS, (int) (CHUNK_BYTES / (4L * vocabSize)));
    }

    /** The largest (rows, V) chunk, 16 MiB: below glibc's largest mmap threshold (32 MiB). */
    static final long CHUNK_BYTES = 16L << 20;

    /**
     * The fewest rows per chunk, so that a large vocabulary's head weight is not re-read per few
     * rows: 128 rows make the head's product a GEMM of 128 × d by d × V, still at the machine's
     * matmul speed, and keep each (rows, V) array at 78 MB for Qwen's 151,936 ids (twice that at
     * 256 rows): the head's chunks run while the body's activations are all alive, so their
     * arrays sit on top of the step's peak (docs/performance.md).
     */
    static final int MIN_CHUNK_ROWS = 128;

    /**
     * The head and the log-softmax run over chunks of {@link #chunkRows} positions, each in its own
     * scope, and the per-position results are concatenated. Why: the (M, V) arrays of a whole
     * batch are large (3,072 × 8,192 floats = 100 MB for the small preset), and glibc serves every
     * allocation above 32 MiB with a fresh mmap whose pages fault in on first touch and are unmapped
     * again when freed, every step; chunks of at most 16 MiB are reused from the allocator's free
     * lists instead. Autograd keeps the same values either way (each chunk's log-probs).
     *
     * @param model        whose head to apply
     * @param hidden       (N, T, d) its {@link CausalLm#hiddenStates}
     * @param at           the positions to score
     * @param keepLogProbs whether to return the (M, V) log-probs too
     */
    public static TokenScores of(CausalLm model, NDArray hidden, ScoredPositions at, boolean keepLogProbs) {
        return of(model, hidden, at, keepLogProbs, false, false);
    }

    /** {@link #of(CausalLm, NDArray, ScoredPositions, boolean)} in chunks of {@code rows} positions. */
    public static TokenScores of(CausalLm model, NDArray hidden, ScoredPositions at, boolean keepLogProbs, int rows) {
        return of(model, hidden, at, keepLogProbs, false, false, rows);
    }

    /**
     * {@link #of(CausalLm, NDArray, ScoredPositions, boolean)}, with the policy's metrics
     * ({@link #entropy}, {@link #correct}) when {@code metrics} is set and WPO's per-token terms
     * when {@code wpoTerms} is set (else those are null).
     */
    public static TokenScores of(CausalLm model, NDArray hidden, ScoredPositions at, boolean keepLogProbs,
            boolean metrics, boolean wpoTerms) {
        return of(model, hidden, at, keepLogProbs, metrics, wpoTerms, chunkRows(model.architecture().vocabSize()));
    }

    /** {@link #of(CausalLm, NDArray, ScoredPositions, boolean, boolean, boolean)} in chunks of {@code rows} positions. */
    public static TokenScores of(CausalLm model, NDArray hidden, ScoredPositions at, boolean keepLogProbs,
            boolean metrics, boolean wpoTerms, int rows) {
        NDArray gathered = at.gather(hidden); // (M, d)
        long m = gathered.getShape().get(0);
        if (m <= rows) {
            return chunk(model, gathered, at.labels(), keepLogProbs, metrics, wpoTerms);
        }
        if (!JniUtils.isGradMode() && KeptProbabilities.fits(m, model.architecture())) {
            return ofOneProduct(model, gathered, at.labels(), keepLogProbs, metrics, wpoTerms, rows);
        }
        List<TokenScores> parts = new ArrayList<>();
        for (long from = 0; from < m; from += rows) {
            String range = from + ":" + Math.min(m, from + rows);
            parts.add(chunk(model, gathered.get(range), at.labels().get(range), keepLogProbs, metrics, wpoTerms));
        }
        return concat(parts, keepLogProbs, metrics, wpoTerms);
    }

    /**
     * The chunks' values from one product over all M positions, when no graph is recorded (the
     * reference's pass) and the (M, V) logits are no larger than the head weight
     * ({@link KeptProbabilities#fits}). Why: the head's product runs at the machine's matmul
     * speed only with many rows (the (128, d)·(d, V) products of 128-row chunks run at about
     * half of it at Qwen's 151,936 ids; docs/performance.md), and a reference pass runs before
     * the policy's activations exist, so the (M, V) array is not on top of the step's peak.
     * Under autograd the chunks keep their own products: slicing one product would make each
     * chunk's backward a zero-filled (M, V) gradient. Row for row the values of {@link #chunk}
     * (a product's rows do not change with its number of rows), up to a float32 ulp where a
     * row's reduction inside the larger array is vectorized at another alignment.
     */
    private static TokenScores ofOneProduct(CausalLm model, NDArray gathered, NDArray labels, boolean keepLogProbs,
            boolean metrics, boolean wpoTerms, int rows) {
        TokenScores scores;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            scores = ofProduct(model.head(gathered), labels, rows, keepLogProbs, metrics, wpoTerms, null);
            scores.forEach(NDScope::unregister);
        }
        scores.forEach(NDScope::register);
        return scores;
    }

    /**
     * The values of all M positions from their logits made by one product, {@code rows} at a time
     * ({@link #ofLogits} of each chunk's rows, a view of {@code logits}).
     *
     * @param logits     (M, V)
     * @param labels     (M, 1) int64
     * @param eachChunk  given each chunk's range and (R, V) log-probs once its values are taken,
     *                   before they are freed (unless {@code keepLogProbs}); or null
     */
    static TokenScores ofProduct(NDArray logits, NDArray labels, int rows, boolean keepLogProbs, boolean metrics,
            boolean wpoTerms, BiConsumer<String, NDArray> eachChunk) {
        long m = logits.getShape().get(0);
        List<TokenScores> parts = new ArrayList<>();
        for (long from = 0; from < m; from += rows) {
            String range = from + ":" + Math.min(m, from + rows);
            TokenScores part = ofLogits(() -> logits.get(range), labels.get(range), keepLogProbs || eachChunk != null,
                    metrics, wpoTerms);
            if (eachChunk != null) {
                eachChunk.accept(range, part.logProbs());
            }
            if (!keepLogProbs && part.logProbs() != null) {
                part.logProbs().close();
                part = new TokenScores(part.labelLogProbs(), part.meanLogits(), part.entropy(), part.correct(),
                        part.wpoTerms(), null);
            }
            parts.add(part);
        }
        return parts.size() == 1 ? parts.get(0) : concat(parts, keepLogProbs, metrics, wpoTerms);
    }

    /** The chunks' values one after the other, the fields asked for. */
    static TokenScores concat(List<TokenScores> parts, boolean keepLogProbs, boolean metrics, boolean wpoTerms) {
        return new TokenScores(
                concat(parts, TokenScores::labelLogProbs),
                concat(parts, TokenScores::meanLogits),
                metrics ? concat(parts, TokenScores::entropy) : null,
                metrics ? concat(parts, TokenScores::correct) : null,
                wpoTerms ? concat(parts, TokenScores::wpoTerms) : null,
                keepLogProbs ? concat(parts, TokenScores::logProbs) : null);
    }

    private static NDArray concat(List<TokenScores> parts, Function<TokenScores, NDArray> field) {
        NDList arrays = new NDList();
        parts.forEach(p -> arrays.add(field.apply(p)));
        return NDArrays.concat(arrays);
    }

    /**
     * One chunk, in its own scope: only the results move to the caller's scope.
     *
     * @param hidden (R, d) gathered hidden states
     * @param labels (R, 1) int64
     */
    static TokenScores chunk(CausalLm model, NDArray hidden, NDArray labels, boolean keepLogProbs,
            boolean metrics, boolean wpoTerms) {
        return ofLogits(() -> model.head(hidden), labels, keepLogProbs, metrics, wpoTerms);
    }

    /**
     * One chunk's values from its logits, made in the chunk's own scope: only the results move
     * to the caller's scope.
     *
     * @param logitsOf makes the (R, V) logits (in the chunk's scope, so that they are freed with it)
     * @param labels (R, 1) int64
     */
    static TokenScores ofLogits(Supplier<NDArray> logitsOf, NDArray labels, boolean keepLogProbs, boolean metrics,
            boolean wpoTerms) {
        TokenScores scores;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray logits = logitsOf.get();
            NDArray logProbs = logits.logSoftmax(-1);
            NDArray labelLogProbs = logProbs.gather(labels, -1).reshape(labels.getShape().get(0));
            NDArray constant = logProbs.stopGradient();
            NDArray flatLabels = labels.reshape(labels.getShape().get(0));
            scores = new TokenScores(
                    labelLogProbs,
                    logits.stopGradient().mean(new int[] {-1}),
                    metrics ? TokenMetrics.entropyOfLogProbs(constant) : null,
                    metrics ? TokenMetrics.correct(constant, flatLabels) : null,
                    wpoTerms ? TokenMetrics.wpoPositionTerms(constant, flatLabels) : null,
                    keepLogProbs ? logProbs : null);
            scores.forEach(NDScope::unregister);
        }
        scores.forEach(NDScope::register);
        return scores;
    }

    void forEach(java.util.function.Consumer<NDArray> action) {
        action.accept(labelLogProbs);
        action.accept(meanLogits);
        if (entropy != null) {
            action.accept(entropy);
            action.accept(correct);
        }
        if (wpoTerms != null) {
            action.accept(wpoTerms);
        }
        if (logProbs != null) {
            action.accept(logProbs);
        }
    }
}
