package org.dpo4j.trainer.scoring;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;
import org.dpo4j.trainer.model.Autocast;
import org.dpo4j.trainer.model.CausalLm;
import org.dpo4j.trainer.model.Lookup;
import org.dpo4j.trainer.model.MatmulPrecision;
import org.dpo4j.trainer.model.ModelArchitecture;

/**
 * The head's gradient from the next-token probabilities of all M scored positions, made with
 * one product: a trainable head keeps them between the forward and the backward pass, so no
 * product of the head is recomputed and each of its three products runs once over all M rows;
 * a frozen head turns them into Jacobians in the forward pass ({@link #labelJacobians}). With h (M, d) the positions' hidden states, W (V, d) the
 * head weight, y the labels and g = ∂L/∂ℓ (M) what the loss sends to the label log-probs:
 *
 * <pre>
 *   forward   z = h·Wᵀ                                        (M, V), one product, no graph
 *             per chunk c of rows: lp_c = log_softmax(z_c); ℓ_c = lp_c[y_c] and the metrics
 *             from lp_c; then z_c ← exp(lp_c) = P_c            the logits' memory now holds P
 *   backward  G = g ⊙ (onehot(y) − P)                          (M, V), in place over P
 *             ∂L/∂h  = G·W                                     (M, d)
 *             ∂L/∂W += Gᵀ·h                                    (V, d), in place, a few thousand rows of W at a time
 * </pre>
 *
 * G is what the label gather's and the log-softmax's backward send to z (∂lp_v/∂z = onehot − p),
 * formed with autograd's roundings: −(g·p) everywhere, then g − g·p at the label. The label
 * log-probs and metrics are {@link TokenScores}'s floats: the same log-softmax of the same rows.
 *
 * <p>Why: the recomputing head ({@link RecomputedHead}) pays one more (M, d)·(d, V) product and
 * log-softmax in its backward pass, and its 128-row chunks run the head's products at about
 * half the machine's matmul speed at Qwen's 151,936 ids (docs/performance.md); that is the
 * largest part of the step a 0.5B model spends beyond its model FLOPs. The price is the (M, V)
 * probabilities alive from the head's forward to its backward, on top of the activations:
 * {@link #fits} takes it only when they are no larger than the head weight (M ≤ d), so it
 * costs at most one more head-sized array, a fraction of the gradients' and AdamW's memory.
 *
 * <p>When: a head without soft-capping, float32 products and a loss of the label log-probs alone
 * (TDPO's and Ra-DPO's per-position terms read the whole distribution). A trainable head (full
 * fine-tuning) keeps them through to {@link #backward} where they {@link #fits}. A frozen head
 * (LoRA) needs no weight gradient: each group of {@link #groupRows} positions turns its
 * probabilities into the positions' Jacobians at once ({@link #labelJacobians}), and the
 * backward pass scales those.
 */
final class KeptProbabilities {

    private final NDArray probabilities;
    private final NDArray hidden;
    private final NDArray labels;
    private final NDArray weight;
    private final TokenScores scores;

    private KeptProbabilities(NDArray probabilities, NDArray hidden, NDArray labels, NDArray weight, TokenScores scores) {
        this.probabilities = probabilities;
        this.hidden = hidden;
        this.labels = labels;
        this.weight = weight;
        this.scores = scores;
    }

    /**
     * Whether M positions' (M, V) probabilities are no larger than the head weight (V, d): M ≤ d.
     * Also the bound under which a pass without a graph makes all M positions' logits in one
     * product ({@link TokenScores}).
     */
    static boolean fits(long positions, ModelArchitecture architecture) {
        return positions <= architecture.hiddenSize();
    }

    /**
     * Whether {@code model}'s head can take its gradient from its probabilities: no soft-capping,
     * float32 products, and a backward pass to follow (a gradient collector is open). The loss's
     * terms and {@link #fits} (for a trainable head) are the caller's checks.
     */
    static boolean applies(CausalLm model) {
        return !model.capsLogits() && Autocast.current() instanceof MatmulPrecision.Fp32 && JniUtils.isGradMode();
    }

    /** The largest (rows, V) group of a frozen head's probabilities, {@value #GROUP_BYTES} bytes. */
    static final long GROUP_BYTES = 256L << 20;

    /**
     * Positions per group of a frozen head's probabilities ({@link #labelJacobians}): at most
     * {@link #GROUP_BYTES} of (rows, V) floats, at least {@link TokenScores#chunkRows}. Why a
     * bound below the trainable head's (M ≤ d): these groups exist in the forward pass on top of
     * every activation, where a LoRA step has its peak and little else (441 rows at Qwen's
     * 151,936 ids: its products run within a few percent of 768 rows' speed, docs/performance.md).
     */
    static int groupRows(ModelArchitecture architecture) {
        int vocab = architecture.vocabSize();
        return (int) Math.max(TokenScores.chunkRows(vocab), GROUP_BYTES / (4L * vocab));
    }

    /**
     * The forward pass: the positions' values (without a graph: the caller makes
     * {@link TokenScores#labelLogProbs} the leaf) and the (M, V) probabilities kept for
     * {@link #backward} or {@link #labelJacobians}.
     *
     * @param hidden (M, d) the gathered hidden states, outside the graph
     * @param labels (M, 1) int64
     * @param rows   rows per log-softmax chunk ({@link TokenScores#chunkRows})
     */
    static KeptProbabilities forward(CausalLm model, NDArray hidden, NDArray labels, int rows, boolean metrics,
            boolean wpo) {
        NDArray weight = model.headWeight().stopGradient();
        NDArray probabilities = hidden.matMul(weight.transpose()); // (M, V) the logits, P from here on
        TokenScores scores = TokenScores.ofProduct(probabilities, labels, rows, false, metrics, wpo, (range, logProbs) -> {
            // the chunk's logits are read: its rows of the product take its probabilities
            try (NDArray chunk = logProbs.exp()) {
                probabilities.set(new NDIndex(range), chunk);
            }
        });
        return new KeptProbabilities(probabilities, hidden, labels, weight, scores);
    }

    /**
     * A frozen head's ∂ℓ_m/∂h_m for each of these positions, from the probabilities, which are
     * freed. With ℓ = (W·h)[y] − logsumexp(W·h):
     * <pre>
     *   J_m = W[y_m] − Σ_v p_m,v·W_v = W[y_m] − (P·W)_m      P (M, V); W (V, d); J (M, d)
     * </pre>
     * one product over all the rows; the backward pass is then ∂L/∂h_m = g_m·J_m.
     */
    NDArray labelJacobians() {
        NDArray expected = probabilities.matMul(weight);
        probabilities.close();
        return Lookup.rows(weight, labels.reshape(labels.getShape().get(0))).subi(expected);
    }

    /** The positions' values; {@link TokenScores#logProbs} is null. */
    TokenScores scores() {
        return scores;
    }

    /**
     * The backward pass of the head: adds ∂L/∂W into the head weight's gradient and frees the
     * probabilities.
     *
     * @param labelGradient (M) g = ∂L/∂ℓ
     * @param weightGradient (V, d) the head weight's gradient (the tied embedding's)
     * @return (M, d) ∂L/∂h
     */
    NDArray backward(NDArray labelGradient, NDArray weightGradient) {
        NDArray hiddenGradient;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            long m = probabilities.getShape().get(0);
            long vocab = probabilities.getShape().get(1);
            NDArray g = probabilities.muli(labelGradient.neg().expandDims(1)); // −(g·p): G off the labels
            // the labels' entries of the row-major (M, V) array: m·V + y_m
            NDIndex atLabels = new NDIndex("{}", g.getManager().arange((int) m).toType(DataType.INT64, false)
                    .muli(vocab).addi(labels.reshape(m)));
            NDArray flat = g.reshape(-1); // a view: writes land in G
            flat.set(atLabels, flat.get(atLabels).addi(labelGradient));
            hiddenGradient = g.matMul(weight);
            RecomputedHead.addWeightGradient(weightGradient, g, hidden, RecomputedHead.WEIGHT_GRADIENT_ROWS);
            NDScope.unregister(hiddenGradient);
        }
        NDScope.register(hiddenGradient);
        probabilities.close();
        return hiddenGradient;
    }
}
