package org.dpo4j.trainer.model.qwen3;

import ai.djl.ndarray.NDArray;
import org.dpo4j.trainer.model.ModelWeights;
import org.dpo4j.trainer.model.Norms;
import org.dpo4j.trainer.model.llama.LlamaStyleModel;

/**
 * A Qwen3 decoder over {@link ModelWeights} named as in Hugging Face checkpoints: Llama's block
 * with each query and key head RMS-normalised before the rotary embedding.
 *
 * <pre>
 *   x = embed(ids)                                                   (N, T, d)
 *   per block:  q, k, v = q_proj(h), k_proj(h), v_proj(h),  h = RMSNorm(x), split into heads
 *               q, k    = rope(RMSNorm_D(q)·q_norm), rope(RMSNorm_D(k)·k_norm)     (over each head's D)
 *               x = x + o_proj(attention(q, k, v))
 *               x = x + down_proj(silu(gate_proj(h)) · up_proj(h)),  h = RMSNorm(x)
 *   hidden = RMSNorm(x);  logits = lm_head(hidden)
 * </pre>
 *
 * q is (N, T, H·D) and k, v are (N, T, KV·D) with the config's D; every projection of the
 * attention has a bias when {@code attention_bias} is set, the MLP never.
 */
public final class Qwen3Model extends LlamaStyleModel<Qwen3Config> {

    /** @throws IllegalArgumentException when a tensor of {@code config} is missing or mis-shaped */
    public Qwen3Model(Qwen3Config config, ModelWeights weights) {
        super(config, weights);
    }

    /** q_norm over each query head: (..., D) RMS-normalised over D, times the (D) weights. */
    @Override
    protected NDArray queryHeads(NDArray q, String attention) {
        return Norms.rms(q, weights.get(attention + "q_norm.weight"), config.rmsNormEps());
    }

    /** k_norm over each key head, as {@link #queryHeads}. */
    @Override
    protected NDArray keyHeads(NDArray k, String attention) {
        return Norms.rms(k, weights.get(attention + "k_norm.weight"), config.rmsNormEps());
    }
}
