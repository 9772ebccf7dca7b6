package org.dpo4j.trainer.bench;

import ai.djl.ndarray.types.Shape;
import java.util.Map;
import java.util.Set;
import org.dpo4j.trainer.model.ModelArchitecture;

/**
 * The model FLOPs of a training step, for model FLOPs utilisation (MFU), in the convention of
 * Kaplan et al. (2020) and the PaLM paper's appendix B, counting the FLOPs the step computes.
 *
 * <p>Matmul parameters: every 2-D weight of the decoder blocks (attention projections, MLP),
 * N_blocks, and the LM head, N_head = V·d (also when tied to the embedding, since the head's
 * matmul runs either way). The token and position embeddings are excluded: they are lookups.
 * Biases and norm scales are excluded (no matmul).
 *
 * <p>A forward pass over a micro-batch ({@link ForwardWork}) costs
 *
 * <pre>
 *   2·N_blocks·positions + 2·N_head·headPositions + 4·L·A·scores
 * </pre>
 *
 * a multiply and an add per parameter per position, the head only where it runs, and the
 * attention matmuls QKᵀ and (scores)·V at 2·A per score each, A = H·D the query width (with
 * grouped-query attention the keys and values are repeated, so every query head multiplies).
 * The backward pass costs twice the forward, so the policy costs 3× the forward, and a live
 * reference 1× more. Element-wise work (norms, softmax, log-softmax, the optimizer) is not
 * counted.
 *
 * <p>With LoRA the base takes no weight gradient: its backward pass computes only the input
 * gradients, 1× the forward, and the adapters' products cost 6·N_LoRA per position (forward,
 * input and weight gradients), N_LoRA = Σ r·(in + out) over the adapted layers:
 *
 * <pre>
 *   policy = 2·forward + 6·N_LoRA·positions        (full fine-tuning: 3·forward)
 * </pre>
 *
 * @param blockParams    N_blocks
 * @param headParams     N_head
 * @param layers         L
 * @param attentionWidth A = H·D
 * @param adapterParams  N_LoRA, or 0 when every weight is trained
 */
public record ModelFlops(long blockParams, long headParams, int layers, long attentionWidth, long adapterParams) {

    /** Full fine-tuning's counts: every weight trained. */
    public ModelFlops(long blockParams, long headParams, int layers, long attentionWidth) {
        this(blockParams, headParams, layers, attentionWidth, 0);
    }

    /** These counts for LoRA adapters of {@code adapterParams} matrix entries on a frozen base. */
    public ModelFlops withAdapters(long adapterParams) {
        return new ModelFlops(blockParams, headParams, layers, attentionWidth, adapterParams);
    }

    /** The parameters of {@code architecture}'s matmuls, L and A. */
    public static ModelFlops of(ModelArchitecture architecture) {
        Set<String> lookups = architecture.lookupTables();
        String head = architecture.headWeight();
        long blocks = 0;
        for (Map.Entry<String, Shape> e : architecture.tensorShapes().entrySet()) {
            if (e.getValue().dimension() == 2 && !lookups.contains(e.getKey()) && !e.getKey().equals(head)) {
                blocks += e.getValue().size();
            }
        }
        long headParams = (long) architecture.vocabSize() * architecture.hiddenSize();
        long width = (long) architecture.numHeads() * architecture.headDim();
        return new ModelFlops(blocks, headParams, architecture.numLayers(), width);
    }

    /** N = N_blocks + N_head, the matmul parameters a token meets on its way through. */
    public long matmulParams() {
        return blockParams + headParams;
    }

    /** FLOPs of one forward pass: 2·N_blocks·positions + 2·N_head·headPositions + 4·L·A·scores. */
    public double forward(ForwardWork work) {
        return 2.0 * blockParams * work.positions() + 2.0 * headParams * work.headPositions()
                + 4.0 * layers * attentionWidth * work.scores();
    }

    /**
     * FLOPs of one optimizer step.
     *
     * @param work          one micro-batch's forward pass
     * @param microBatches  micro-batches per step (gradient accumulation)
     * @param liveReference whether a reference forward pass runs over the same micro-batches
     * @return microBatches · (policy + [live reference]·forward), policy = 3·forward, or with
     *         LoRA 2·forward + 6·N_LoRA·positions
     */
    public double step(ForwardWork work, long microBatches, boolean liveReference) {
        double forward = forward(work);
        double policy = adapterParams == 0 ? 3 * forward : 2 * forward + 6.0 * adapterParams * work.positions();
        return microBatches * (policy + (liveReference ? forward : 0));
    }
}
