package org.dpo4j.trainer.scoring;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import org.dpo4j.trainer.model.CausalLm;

/**
 * The LM head at the scored positions whose memory does not depend on the vocabulary: the
 * values of {@link TokenScores} (the same ops on the same rows, so the same floats), without
 * keeping any (M, V) array for the backward pass.
 *
 * <p>Why: autograd through the head keeps each chunk's (rows, V) log-softmax output until
 * backward, (M, V) floats in all: 0.6 GB per 1,000 scored positions at Qwen's 151,936 ids. Here
 * the forward pass keeps only per-position scalars, and the backward pass recomputes each chunk:
 *
 * <pre>
 *   forward   h = gather(hidden)                                     (M, d), graph into the body
 *             per chunk c, without a graph kept:  lp_c = log_softmax(head(h_c))  (R, V), freed
 *             ℓ_m   = lp[m, label_m]          → a leaf ℓ (M) that requires gradient
 *             t_k,m = term_k(lp_m)            → leaves t_k (M)   (TDPO's KL, Ra-DPO's risk)
 *   loss      L(ℓ, t_k, ...): its backward (the caller's) stops at the leaves: g = ∂L/∂ℓ, g_k = ∂L/∂t_k
 *   backward  per chunk c: x_c = leaf copy of h_c; lp_c = log_softmax(head(x_c)) with a graph;
 *             backward of S_c = Σ_m g_m·lp_c[m, label_m] + Σ_k Σ_m g_k,m·term_k(lp_c)_m
 *             → the head's weights get ∂L/∂W from this chunk (tied embeddings included, soft-capping
 *               and any head the family has: autograd differentiates {@link CausalLm#head}), and
 *               x_c.grad = ∂L/∂h_c; the chunk's graph is freed by its backward
 *             then backward of Σ h ⊙ stopgrad(∂L/∂h)  → the body's gradients
 * </pre>
 *
 * Each backward is one {@link GradientCollector#backward} of a scalar (DJL has no custom autograd
 * functions; PyTorch accumulates into the parameters' gradients across calls). ∂S_c/∂lp_c equals
 * what the loss sends to lp_c in the plain path, so every gradient is the plain path's up to the
 * order in which float32 contributions are added. Cost: one more head forward per chunk.
 */
public final class RecomputedHead {

    /**
     * A per-position value of a chunk of the policy's log-distributions that the loss
     * differentiates: TDPO's token divergence, Ra-DPO's token risk.
     */
    @FunctionalInterface
    public interface PositionTerm {
        /**
         * @param logProbs (R, V) the policy's log-distributions at positions {@code rows} of the M
         * @param rows     "from:to", the chunk's range among the M positions (to slice the reference's)
         * @return (R)
         */
        NDArray apply(NDArray logProbs, String rows);
    }

    private final CausalLm model;
    private final NDArray gathered;
    private final NDArray detached;
    private final NDArray labels;
    private final int rows;
    private final List<PositionTerm> terms;
    private final TokenScores scores;
    private final List<NDArray> termValues;

    private RecomputedHead(CausalLm model, NDArray gathered, NDArray labels, int rows, List<PositionTerm> terms,
            TokenScores scores, List<NDArray> termValues) {
        this.model = model;
        this.gathered = gathered;
        this.detached = gathered.stopGradient();
        this.labels = labels;
        this.rows = rows;
        this.terms = List.copyOf(terms);
        this.scores = scores;
        this.termValues = termValues;
    }

    /**
     * The head at {@code at}, in chunks of {@link TokenScores#chunkRows} positions.
     *
     * @param hidden  (N, T, d) the model's {@link CausalLm#hiddenStates}
     * @param metrics whether to compute the policy's metrics ({@link TokenScores#entropy}, {@link TokenScores#correct})
     * @param wpo     whether to compute WPO's per-token terms
     * @param terms   per-position terms the loss differentiates, in the order {@link #term} returns them
     */
    public static RecomputedHead of(CausalLm model, NDArray hidden, ScoredPositions at, boolean metrics, boolean wpo,
            List<PositionTerm> terms) {
        return of(model, hidden, at, metrics, wpo, terms, TokenScores.chunkRows(model.architecture().vocabSize()));
    }

    /** {@link #of(CausalLm, NDArray, ScoredPositions, boolean, boolean, List)} in chunks of {@code rows} positions. */
    public static RecomputedHead of(CausalLm model, NDArray hidden, ScoredPositions at, boolean metrics, boolean wpo,
            List<PositionTerm> terms, int rows) {
        NDArray gathered = at.gather(hidden); // (M, d), graph into the body
        NDArray detached = gathered.stopGradient();
        NDArray labels = at.labels();
        long m = gathered.getShape().get(0);
        List<TokenScores> parts = new ArrayList<>();
        List<List<NDArray>> termParts = new ArrayList<>();
        for (long from = 0; from < m; from += rows) {
            String range = from + ":" + Math.min(m, from + rows);
            List<NDArray> chunkTerms = new ArrayList<>();
            parts.add(chunk(model, detached.get(range), labels.get(range), range, metrics, wpo, terms, chunkTerms));
            termParts.add(chunkTerms);
        }
        TokenScores scores = parts.size() == 1 ? parts.get(0) : new TokenScores(
                concat(parts, TokenScores::labelLogProbs),
                concat(parts, TokenScores::meanLogits),
                metrics ? concat(parts, TokenScores::entropy) : null,
                metrics ? concat(parts, TokenScores::correct) : null,
                wpo ? concat(parts, TokenScores::wpoTerms) : null,
                null);
        List<NDArray> termValues = new ArrayList<>();
        for (int k = 0; k < terms.size(); k++) {
            int index = k;
            termValues.add(parts.size() == 1 ? termParts.get(0).get(k) : concatArrays(termParts.stream().map(p -> p.get(index)).toList()));
        }
        scores.labelLogProbs().setRequiresGradient(true);
        termValues.forEach(t -> t.setRequiresGradient(true));
        return new RecomputedHead(model, gathered, labels, rows, terms, scores, termValues);
    }

    /**
     * The per-position values. {@link TokenScores#labelLogProbs} is a leaf that requires gradient;
     * {@link TokenScores#logProbs} is null (never kept).
     */
    public TokenScores scores() {
        return scores;
    }

    /** (M) the values of the {@code k}-th {@link PositionTerm}, a leaf that requires gradient. */
    public NDArray term(int k) {
        return termValues.get(k);
    }

    /**
     * Back-propagates, through the head and then the body, the gradients that a backward pass of
     * the loss left in the leaves ({@link TokenScores#labelLogProbs}, {@link #term}). Call it once,
     * after that backward pass, with the same collector still open.
     */
    public void backward(GradientCollector collector) {
        NDArray labelGradient = scores.labelLogProbs().getGradient();
        List<NDArray> termGradients = termValues.stream().map(NDArray::getGradient).toList();
        long m = detached.getShape().get(0);
        List<NDArray> hiddenGradients = new ArrayList<>();
        for (long from = 0; from < m; from += rows) {
            String range = from + ":" + Math.min(m, from + rows);
            NDArray hiddenGradient;
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray x = detached.get(range).duplicate();
                x.setRequiresGradient(true);
                NDArray logProbs = model.head(x).logSoftmax(-1);
                NDArray chunkLabels = labels.get(range);
                NDArray surrogate = logProbs.gather(chunkLabels, -1).reshape(chunkLabels.getShape().get(0))
                        .mul(labelGradient.get(range)).sum();
                for (int k = 0; k < terms.size(); k++) {
                    surrogate = surrogate.add(terms.get(k).apply(logProbs, range).mul(termGradients.get(k).get(range)).sum());
                }
                collector.backward(surrogate);
                hiddenGradient = x.getGradient();
                NDScope.unregister(hiddenGradient);
            }
            NDScope.register(hiddenGradient);
            hiddenGradients.add(hiddenGradient);
        }
        NDArray hiddenGradient = hiddenGradients.size() == 1 ? hiddenGradients.get(0) : concatArrays(hiddenGradients);
        collector.backward(gathered.mul(hiddenGradient).sum());
    }

    /**
     * One chunk's values, in its own scope, without a graph kept: only detached results move to
     * the caller's scope, so the (R, V) arrays and the graph built over them are freed here.
     */
    private static TokenScores chunk(CausalLm model, NDArray hidden, NDArray labels, String range, boolean metrics,
            boolean wpo, List<PositionTerm> terms, List<NDArray> termValues) {
        TokenScores detachedScores;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            TokenScores scores = TokenScores.chunk(model, hidden, labels, !terms.isEmpty(), metrics, wpo);
            for (PositionTerm term : terms) {
                NDArray value = term.apply(scores.logProbs(), range).stopGradient();
                NDScope.unregister(value);
                termValues.add(value);
            }
            detachedScores = new TokenScores(scores.labelLogProbs().stopGradient(), scores.meanLogits(),
                    scores.entropy(), scores.correct(), scores.wpoTerms(), null);
            detachedScores.forEach(NDScope::unregister);
        }
        detachedScores.forEach(NDScope::register);
        termValues.forEach(NDScope::register);
        return detachedScores;
    }

    private static NDArray concat(List<TokenScores> parts, java.util.function.Function<TokenScores, NDArray> field) {
        return concatArrays(parts.stream().map(field).toList());
    }

    private static NDArray concatArrays(List<NDArray> arrays) {
        NDList list = new NDList();
        list.addAll(arrays);
        return NDArrays.concat(list);
    }
}
