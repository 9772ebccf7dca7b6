package org.dpo4j.trainer.scoring;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import org.dpo4j.trainer.model.CausalLm;

/**
 * The LM head and the log-softmax at the gathered positions of a batch ({@link ScoredPositions})
 * and what the scorer reads from them. With z = head(h_m), (M, V):
 *
 * <pre>
 *   logProbs_m      = log_softmax(z_m) = z_m − logsumexp_v z_m,v      (M, V)
 *   labelLogProbs_m = logProbs_m[label_m]                              (M)
 *   meanLogits_m    = (1/V)·Σ_v z_m,v, detached (TRL's logits/* metric) (M)
 * </pre>
 *
 * <p>Why log-softmax then gather: PyTorch's log_softmax saves only its output for backward
 * (∂/∂z = g − softmax(z)·Σg, from the output alone) and gather only its index, so exactly one
 * (M, V) array is kept for backward; the logits themselves are saved by nothing (the head's
 * matmul saves its inputs). DJL has no logsumexp op; spelled out (max, subtract, exp, sum, log)
 * it would save the exp, also (M, V), and make two more (M, V) temporaries. All of it runs in
 * its own {@link NDScope}, so the logits and the temporaries are freed as soon as these values
 * are taken; only the results move to the caller's scope (and the log-probs that autograd
 * saved live until backward).
 *
 * @param labelLogProbs (M) log π(label_m | position m)
 * @param meanLogits    (M) mean logit over the vocabulary, no gradient
 * @param logProbs      (M, V) the full log-distributions, kept only when asked (TDPO's
 *                      per-token KL); else null
 */
public record TokenScores(NDArray labelLogProbs, NDArray meanLogits, NDArray logProbs) {

    /**
     * Rows of the (M, V) arrays per chunk: enough that each chunk's head matmul reads the (V, d)
     * head weight for at least {@value #MIN_CHUNK_ROWS} rows, and otherwise few enough that a
     * chunk's (rows, V) float32 arrays stay at most {@value #CHUNK_BYTES} bytes.
     */
    static int chunkRows(int vocabSize) {
        return Math.max(MIN_CHUNK_ROWS, (int) (CHUNK_BYTES / (4L * vocabSize)));
    }

    /** The largest (rows, V) chunk, 16 MiB: below glibc's largest mmap threshold (32 MiB). */
    static final long CHUNK_BYTES = 16L << 20;

    /** The fewest rows per chunk, so that a large vocabulary's head weight is not re-read per few rows. */
    static final int MIN_CHUNK_ROWS = 256;

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
        return of(model, hidden, at, keepLogProbs, chunkRows(model.architecture().vocabSize()));
    }

    /** {@link #of(CausalLm, NDArray, ScoredPositions, boolean)} in chunks of {@code rows} positions. */
    public static TokenScores of(CausalLm model, NDArray hidden, ScoredPositions at, boolean keepLogProbs, int rows) {
        NDArray gathered = at.gather(hidden); // (M, d)
        long m = gathered.getShape().get(0);
        if (m <= rows) {
            return chunk(model, gathered, at.labels(), keepLogProbs);
        }
        NDList labelLogProbs = new NDList();
        NDList meanLogits = new NDList();
        NDList logProbs = new NDList();
        for (long from = 0; from < m; from += rows) {
            String range = from + ":" + Math.min(m, from + rows);
            TokenScores part = chunk(model, gathered.get(range), at.labels().get(range), keepLogProbs);
            labelLogProbs.add(part.labelLogProbs());
            meanLogits.add(part.meanLogits());
            if (keepLogProbs) {
                logProbs.add(part.logProbs());
            }
        }
        return new TokenScores(NDArrays.concat(labelLogProbs), NDArrays.concat(meanLogits),
                keepLogProbs ? NDArrays.concat(logProbs) : null);
    }

    /**
     * One chunk, in its own scope: only the results move to the caller's scope.
     *
     * @param hidden (R, d) gathered hidden states
     * @param labels (R, 1) int64
     */
    private static TokenScores chunk(CausalLm model, NDArray hidden, NDArray labels, boolean keepLogProbs) {
        TokenScores scores;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray logits = model.head(hidden);
            NDArray logProbs = logits.logSoftmax(-1);
            scores = new TokenScores(
                    logProbs.gather(labels, -1).reshape(labels.getShape().get(0)),
                    logits.stopGradient().mean(new int[] {-1}),
                    keepLogProbs ? logProbs : null);
            scores.forEach(NDScope::unregister);
        }
        scores.forEach(NDScope::register);
        return scores;
    }

    private void forEach(java.util.function.Consumer<NDArray> action) {
        action.accept(labelLogProbs);
        action.accept(meanLogits);
        if (logProbs != null) {
            action.accept(logProbs);
        }
    }
}
