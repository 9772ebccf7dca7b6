package org.dpo4j.trainer.lora;

import ai.djl.ndarray.NDArray;
import org.dpo4j.losses.Constants;
import org.dpo4j.trainer.model.LinearAdapter;

/**
 * One adapted layer's addition, PEFT's {@code lora_B(lora_A(dropout(x))) * scaling}:
 * <pre>
 *   delta(x) = s · (dropout(x) · Aᵀ) · Bᵀ      x (..., in), A (r, in), B (out, r), result (..., out)
 * </pre>
 * the same for {@code nn.Linear} and GPT-2's Conv1D (A and B are stored alike for both).
 */
record LoraLayer(NDArray a, NDArray b, double scaling, LoraDropout dropout) implements LinearAdapter {

    @Override
    public NDArray delta(NDArray x) {
        NDArray delta = dropout.apply(x).matMul(a.transpose()).matMul(b.transpose());
        // In place: the product's backward keeps its inputs, not its output, so autograd allows it,
        // and it saves one (..., out) array per adapted layer. The scaling through Constants: a
        // mul(Number) operand would be freed by the next GC while autograd holds it.
        return delta.muli(Constants.scalar(delta, scaling));
    }
}
