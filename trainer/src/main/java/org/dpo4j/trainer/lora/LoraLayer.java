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

    /** Without dropout the adapter can run outside autograd (its input then need not be kept). */
    @Override
    public Detached detached() {
        return dropout.active() ? null : new DetachedLora();
    }

    @Override
    public NDArray delta(NDArray x) {
        return scaledProduct(dropout.apply(x), a, b);
    }

    /**
     * s·(x·Aᵀ)·Bᵀ. The scaling in place: the product's backward keeps its inputs, not its output,
     * so autograd allows it, and it saves one (..., out) array per adapted layer. The scaling
     * through Constants: a mul(Number) operand would be freed by the next GC while autograd holds it.
     */
    private NDArray scaledProduct(NDArray x, NDArray a, NDArray b) {
        NDArray delta = x.matMul(a.transpose()).matMul(b.transpose());
        return delta.muli(Constants.scalar(delta, scaling));
    }

    /**
     * The delta without a graph and its backward by hand, for x (..., in) and ∂y (..., out)
     * flattened to (M, in) and (M, out):
     * <pre>
     *   h = x·Aᵀ                 (M, r), recomputed
     *   B.grad += s·(∂yᵀ·h)      (out, r)
     *   ∂h = s·(∂y·B)            (M, r)
     *   A.grad += ∂hᵀ·x          (r, in)
     *   ∂x = ∂h·A                (M, in)
     * </pre>
     * s is applied to the (M, r) and (out, r) products, the small ones (autograd scales ∂y).
     */
    private final class DetachedLora implements Detached {

        @Override
        public NDArray delta(NDArray x) {
            return scaledProduct(x, a.stopGradient(), b.stopGradient());
        }

        @Override
        public NDArray backward(NDArray x, NDArray dy) {
            long in = a.getShape().get(1);
            long out = b.getShape().get(0);
            NDArray rows = x.reshape(-1, in);
            NDArray rowGradients = dy.reshape(-1, out);
            NDArray constantA = a.stopGradient();
            NDArray h = rows.matMul(constantA.transpose());
            try (NDArray bGradient = rowGradients.transpose().matMul(h)) {
                b.getGradient().addi(bGradient.muli(scaling));
            }
            NDArray hGradient = rowGradients.matMul(b.stopGradient()).muli(scaling);
            try (NDArray aGradient = hGradient.transpose().matMul(rows)) {
                a.getGradient().addi(aGradient);
            }
            return hGradient.matMul(constantA).reshape(x.getShape());
        }
    }
}
