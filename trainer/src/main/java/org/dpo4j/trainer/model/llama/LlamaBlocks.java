package org.dpo4j.trainer.model.llama;

import org.dpo4j.trainer.model.ModelArchitecture;
import org.dpo4j.trainer.model.Rope;

/**
 * What {@link LlamaStyleModel}'s block reads of an architecture beyond {@link ModelArchitecture}:
 * grouped key/value heads, the RMSNorm ε, the rotary embedding and which projections carry a
 * bias. Tensor names are Llama's ({@link LlamaTensorNames}).
 */
public interface LlamaBlocks extends ModelArchitecture {

    /** KV, the key/value heads; H / KV query heads share each. */
    int numKvHeads();

    /** ε of every RMSNorm. */
    double rmsNormEps();

    /** The rotary embedding's frequencies. */
    Rope rope();

    /** Whether q_proj, k_proj and v_proj have a bias. */
    boolean qkvBias();

    /** Whether o_proj has a bias. */
    boolean outputBias();

    /** Whether gate_proj, up_proj and down_proj have a bias. */
    boolean mlpBias();
}
