package org.dpo4j.trainer.bench;

import ai.djl.ndarray.types.Shape;
import java.util.Map;
import java.util.Set;
import org.dpo4j.trainer.model.Gpt2Config;
import org.dpo4j.trainer.model.Gpt2TensorNames;
import org.dpo4j.trainer.model.LlamaConfig;
import org.dpo4j.trainer.model.LlamaTensorNames;
import org.dpo4j.trainer.model.ModelArchitecture;

/**
 * The model FLOPs of a training step, for model FLOPs utilisation (MFU), in the convention of
 * Kaplan et al. (2020) and the PaLM paper's appendix B.
 *
 * <p>N counts the parameters that take part in a matrix multiplication per token: every 2-D
 * weight of the decoder blocks (attention projections, MLP) plus the LM head (V·d, also when it
 * is tied to the embedding, since the head's matmul runs either way). The token and position
 * embeddings are excluded: they are lookups. Biases and norm scales are excluded (no matmul).
 *
 * <p>The forward pass of one row of T tokens costs 2·N·T (a multiply and an add per parameter per
 * token) plus the attention matmuls 2·2·L·T²·A, QKᵀ and the product with V, where A = H·D is the
 * query width (with grouped-query attention the keys and values are repeated, so every query head
 * still multiplies). The full T×T score matrix is counted, not the causal half: the model
 * computes all of it and masks. The backward pass costs twice the forward, so the policy costs 3×
 * the forward (6·N per token), and a live reference 1× (2·N per token). Element-wise work
 * (norms, softmax, log-softmax, the optimizer) is not counted.
 *
 * @param matmulParams   N
 * @param layers         L
 * @param attentionWidth A = H·D
 */
public record ModelFlops(long matmulParams, int layers, long attentionWidth) {

    /** N, L and A of {@code architecture}. */
    public static ModelFlops of(ModelArchitecture architecture) {
        Set<String> lookups = Set.of(LlamaTensorNames.EMBED, Gpt2TensorNames.TOKEN_EMBED, Gpt2TensorNames.POSITION_EMBED);
        long n = 0;
        for (Map.Entry<String, Shape> e : architecture.tensorShapes().entrySet()) {
            if (e.getValue().dimension() == 2 && !lookups.contains(e.getKey())) {
                n += e.getValue().size();
            }
        }
        if (architecture.tieWordEmbeddings()) {
            n += (long) architecture.vocabSize() * architecture.hiddenSize();
        }
        long width;
        if (architecture instanceof LlamaConfig llama) {
            width = (long) llama.numHeads() * llama.headDim();
        } else if (architecture instanceof Gpt2Config gpt2) {
            width = gpt2.hiddenSize();
        } else {
            throw new IllegalArgumentException("no FLOP count for " + architecture.getClass().getSimpleName());
        }
        return new ModelFlops(n, architecture.numLayers(), width);
    }

    /** FLOPs of one forward pass over one row of {@code seqLen} tokens: 2·N·T + 4·L·T²·A. */
    public double forwardPerRow(int seqLen) {
        double t = seqLen;
        return 2.0 * matmulParams * t + 4.0 * layers * t * t * attentionWidth;
    }

    /**
     * FLOPs of one optimizer step.
     *
     * @param rows          rows processed per step: 2B per micro-batch (chosen and rejected) times
     *                      the accumulation steps
     * @param seqLen        T
     * @param liveReference whether a reference forward pass runs over the same rows
     * @return rows · forward · (3 + [live reference])
     */
    public double stepFlops(long rows, int seqLen, boolean liveReference) {
        return rows * forwardPerRow(seqLen) * (liveReference ? 4 : 3);
    }
}
