package org.dpo4j.trainer.scoring;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import org.dpo4j.trainer.model.Autocast;
import org.dpo4j.trainer.model.Backpropagation;
import org.dpo4j.trainer.model.CausalLm;
import org.dpo4j.trainer.model.MatmulPrecision;

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
 *               and any head the family has: autograd differentiates {@link CausalLm#capLogits}),
 *               and x_c.grad = ∂L/∂h_c; the chunk's graph is freed by its backward. In float32 the
 *               product a_c = x_c·Wᵀ is a leaf instead: g_c = ∂S_c/∂a_c, ∂L/∂h_c = g_c·W, and
 *               ∂W += g_cᵀ·x_c is added in place, a few thousand rows of W at a time
 *             then backward of Σ h ⊙ stopgrad(∂L/∂h)  → the body's gradients
 * </pre>
 *
 * Each backward is one {@link GradientCollector#backward} of a scalar (DJL has no custom autograd
 * functions; PyTorch accumulates into the parameters' gradients across calls). ∂S_c/∂lp_c equals
 * what the loss sends to lp_c in the plain path, so every gradient is the plain path's up to the
 * order in which float32 contributions are added. Cost: one more head forward per chunk.
 *
 * <p>A frozen head (LoRA's: W takes no gradient) without soft-capping, whose loss differentiates
 * only the label log-probs (no {@link PositionTerm}), needs no recomputation: ℓ_m depends on
 * h_m alone, so the forward pass forms each row's Jacobian while a group of positions'
 * probabilities exist ({@link KeptProbabilities#labelJacobians}, groups of
 * {@link KeptProbabilities#groupRows}) and the backward pass scales it, ∂L/∂h_m = g_m·J_m. That
 * is one (R, V)·(V, d) product per group in the forward instead of two per chunk in the backward
 * (the logits again and g·W), and no (R, V) array in the backward at all.
 *
 * <p>A trainable head with such a loss (full fine-tuning, float32, no soft-cap) keeps the
 * (M, V) probabilities instead where they are no larger than the head weight
 * ({@link KeptProbabilities}: M ≤ d): then nothing is recomputed either, and each of the head's
 * products runs once over all M rows. Where they do not fit, memory stays independent of V.
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

    /** Rows of the head weight's gradient added per product in {@link #addWeightGradient}: 29 MB at d = 896. */
    static final long WEIGHT_GRADIENT_ROWS = 8192;

    private final CausalLm model;
    private final NDArray gathered;
    private final NDArray detached;
    private final NDArray labels;
    private final int rows;
    private final List<PositionTerm> terms;
    private final TokenScores scores;
    private final List<NDArray> termValues;
    /** (M, d) ∂ℓ_m/∂h_m formed in the forward pass ({@link KeptProbabilities#labelJacobians}), or null. */
    private final NDArray labelJacobians;
    /** The (M, V) probabilities kept from the forward pass ({@link KeptProbabilities}), or null: recompute. */
    private final KeptProbabilities kept;

    private RecomputedHead(CausalLm model, NDArray gathered, NDArray labels, int rows, List<PositionTerm> terms,
            TokenScores scores, List<NDArray> termValues, NDArray labelJacobians, KeptProbabilities kept) {
        this.model = model;
        this.gathered = gathered;
        this.detached = gathered.stopGradient();
        this.labels = labels;
        this.rows = rows;
        this.terms = List.copyOf(terms);
        this.scores = scores;
        this.termValues = termValues;
        this.labelJacobians = labelJacobians;
        this.kept = kept;
    }

    /**
     * The head at {@code at}, in chunks of {@link TokenScores#chunkRows} positions.
     *
     * @param hidden  (N, T, d) the model's {@link CausalLm#hiddenStates}
     * @param metrics whether to compute the policy's metrics ({@link TokenScores#entropy}, {@link TokenScores#correct})
     * @param wpo     whether to compute WPO's per-token terms
     * @param terms   per-position terms the loss differentiates, in the order {@link #term} returns them
     * @param mayKeepProbabilities whether the (M, V) probabilities may be kept where
     *                             {@link KeptProbabilities#applies} (false: tests of the recomputing paths)
     */
    public static RecomputedHead of(CausalLm model, NDArray hidden, ScoredPositions at, boolean metrics, boolean wpo,
            List<PositionTerm> terms, boolean mayKeepProbabilities) {
        return of(model, hidden, at, metrics, wpo, terms, TokenScores.chunkRows(model.architecture().vocabSize()),
                mayKeepProbabilities);
    }

    /**
     * {@link #of(CausalLm, NDArray, ScoredPositions, boolean, boolean, List, boolean)} in chunks of
     * {@code rows} positions.
     */
    public static RecomputedHead of(CausalLm model, NDArray hidden, ScoredPositions at, boolean metrics, boolean wpo,
            List<PositionTerm> terms, int rows, boolean mayKeepProbabilities) {
        return of(model, hidden, at, metrics, wpo, terms, rows, KeptProbabilities.groupRows(model.architecture()),
                mayKeepProbabilities);
    }

    /**
     * {@link #of(CausalLm, NDArray, ScoredPositions, boolean, boolean, List, int, boolean)} with a
     * frozen head's groups of {@code groupRows} positions (tests: several groups at a small vocabulary).
     */
    static RecomputedHead of(CausalLm model, NDArray hidden, ScoredPositions at, boolean metrics, boolean wpo,
            List<PositionTerm> terms, int rows, int groupRows, boolean mayKeepProbabilities) {
        NDArray gathered = at.gather(hidden); // (M, d), graph into the body
        NDArray detached = gathered.stopGradient();
        NDArray labels = at.labels();
        long m = gathered.getShape().get(0);
        NDArray weight = model.headWeight();
        boolean labelsOnly = mayKeepProbabilities && terms.isEmpty() && KeptProbabilities.applies(model);
        if (labelsOnly && weight.hasGradient() && KeptProbabilities.fits(m, model.architecture())) {
            KeptProbabilities kept = KeptProbabilities.forward(model, detached, labels, rows, metrics, wpo);
            kept.scores().labelLogProbs().setRequiresGradient(true);
            return new RecomputedHead(model, gathered, labels, rows, terms, kept.scores(), List.of(), null, kept);
        }
        if (labelsOnly && !weight.hasGradient()) {
            return withLabelJacobians(model, gathered, detached, labels, rows, groupRows, metrics, wpo);
        }
        List<TokenScores> parts = new ArrayList<>();
        List<List<NDArray>> termParts = new ArrayList<>();
        for (long from = 0; from < m; from += rows) {
            String range = from + ":" + Math.min(m, from + rows);
            List<NDArray> chunkTerms = new ArrayList<>();
            parts.add(chunk(model, detached.get(range), labels.get(range), range, metrics, wpo, terms, chunkTerms));
            termParts.add(chunkTerms);
        }
        TokenScores scores = parts.size() == 1 ? parts.get(0) : TokenScores.concat(parts, false, metrics, wpo);
        List<NDArray> termValues = new ArrayList<>();
        for (int k = 0; k < terms.size(); k++) {
            int index = k;
            termValues.add(parts.size() == 1 ? termParts.get(0).get(k) : concatArrays(termParts.stream().map(p -> p.get(index)).toList()));
        }
        scores.labelLogProbs().setRequiresGradient(true);
        termValues.forEach(t -> t.setRequiresGradient(true));
        return new RecomputedHead(model, gathered, labels, rows, terms, scores, termValues, null, null);
    }

    /**
     * A frozen head's values and each position's ∂ℓ_m/∂h_m, formed in the forward pass from the
     * probabilities of {@code group} positions at a time ({@link KeptProbabilities#groupRows};
     * freed group by group): {@link KeptProbabilities#labelJacobians}.
     */
    private static RecomputedHead withLabelJacobians(CausalLm model, NDArray gathered, NDArray detached, NDArray labels,
            int rows, int group, boolean metrics, boolean wpo) {
        long m = detached.getShape().get(0);
        List<TokenScores> parts = new ArrayList<>();
        List<NDArray> jacobians = new ArrayList<>();
        for (long from = 0; from < m; from += group) {
            String range = from + ":" + Math.min(m, from + group);
            KeptProbabilities probabilities = KeptProbabilities.forward(model, detached.get(range), labels.get(range), rows,
                    metrics, wpo);
            parts.add(probabilities.scores());
            jacobians.add(probabilities.labelJacobians());
        }
        TokenScores scores = parts.size() == 1 ? parts.get(0) : TokenScores.concat(parts, false, metrics, wpo);
        scores.labelLogProbs().setRequiresGradient(true);
        NDArray labelJacobians = jacobians.size() == 1 ? jacobians.get(0) : concatArrays(jacobians);
        return new RecomputedHead(model, gathered, labels, rows, List.of(), scores, List.of(), labelJacobians, null);
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
        if (labelJacobians != null) {
            // ∂L/∂h_m = g_m·J_m: the head's part of the backward pass was done in the forward
            Backpropagation.from(gathered, labelJacobians.mul(labelGradient.expandDims(1)), false);
            return;
        }
        if (kept != null) {
            Backpropagation.from(gathered, kept.backward(labelGradient, model.headWeight().getGradient()), false);
            return;
        }
        List<NDArray> termGradients = termValues.stream().map(NDArray::getGradient).toList();
        long m = detached.getShape().get(0);
        NDArray weight = model.headWeight();
        // float16 products keep autograd's path: the hand-made gradient below is float32's
        boolean weightGradientInPlace = weight.hasGradient() && Autocast.current() instanceof MatmulPrecision.Fp32;
        NDArray constantWeight = weight.stopGradient(); // W outside the graph, for every chunk
        // A frozen head (LoRA) needs no weight-gradient product, which wants many rows per chunk:
        // half the rows halve the chunk's (rows, V) arrays, which sit on top of the step's peak
        // while every activation is alive (docs/performance.md).
        int backwardRows = weight.hasGradient() ? rows : Math.max(1, rows / 2);
        List<NDArray> hiddenGradients = new ArrayList<>();
        for (long from = 0; from < m; from += backwardRows) {
            String range = from + ":" + Math.min(m, from + backwardRows);
            NDArray hiddenGradient;
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray x = detached.get(range).duplicate();
                NDArray product = null;
                NDArray logits;
                if (weightGradientInPlace) {
                    // h·Wᵀ made without a graph, then a leaf: autograd stops there, so it makes no
                    // (V, d) weight gradient of its own; the product is Linear.apply's in float32
                    product = x.matMul(constantWeight.transpose());
                    product.setRequiresGradient(true);
                    logits = model.capLogits(product);
                } else {
                    x.setRequiresGradient(true);
                    logits = model.head(x);
                }
                NDArray logProbs = logits.logSoftmax(-1);
                NDArray chunkLabels = labels.get(range);
                NDArray surrogate = logProbs.gather(chunkLabels, -1).reshape(chunkLabels.getShape().get(0))
                        .mul(labelGradient.get(range)).sum();
                for (int k = 0; k < terms.size(); k++) {
                    surrogate = surrogate.add(terms.get(k).apply(logProbs, range).mul(termGradients.get(k).get(range)).sum());
                }
                collector.backward(surrogate);
                if (weightGradientInPlace) {
                    NDArray g = product.getGradient(); // (R, V) ∂S_c/∂(h·Wᵀ)
                    hiddenGradient = g.matMul(constantWeight); // (R, d) = g·W
                    addWeightGradient(weight.getGradient(), g, x, WEIGHT_GRADIENT_ROWS);
                } else {
                    hiddenGradient = x.getGradient();
                }
                NDScope.unregister(hiddenGradient);
            }
            NDScope.register(hiddenGradient);
            hiddenGradients.add(hiddenGradient);
        }
        NDArray hiddenGradient = hiddenGradients.size() == 1 ? hiddenGradients.get(0) : concatArrays(hiddenGradients);
        Backpropagation.from(gathered, hiddenGradient, false);
    }

    /**
     * ∂W += gᵀ·x, {@code rowsPerProduct} rows of W at a time, in place: the same sums as
     * autograd's gᵀ·x, without its (V, d) temporary (544 MB at 151,936 × 896, the step's peak
     * resident set while the body's activations are all alive; docs/performance.md).
     *
     * @param weightGradient (V, d) the head weight's gradient (the tied embedding's)
     * @param g              (R, V) the chunk's gradient at h·Wᵀ
     * @param x              (R, d) the chunk's hidden states
     * @param rowsPerProduct rows of W per product ({@link #WEIGHT_GRADIENT_ROWS})
     */
    static void addWeightGradient(NDArray weightGradient, NDArray g, NDArray x, long rowsPerProduct) {
        long vocab = g.getShape().get(1);
        for (long from = 0; from < vocab; from += rowsPerProduct) {
            long to = Math.min(vocab, from + rowsPerProduct);
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                // a view of the gradient's rows: the in-place add writes into the gradient itself
                NDArray rows = JniUtils.slice((PtNDArray) weightGradient, 0, from, to, 1);
                rows.addi(JniUtils.slice((PtNDArray) g, 1, from, to, 1).transpose().matMul(x));
            }
        }
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

    private static NDArray concatArrays(List<NDArray> arrays) {
        NDList list = new NDList();
        list.addAll(arrays);
        return NDArrays.concat(list);
    }
}
