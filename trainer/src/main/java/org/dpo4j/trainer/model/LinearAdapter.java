package org.dpo4j.trainer.model;

import ai.djl.ndarray.NDArray;

/**
 * What an adapter adds to one {@link Linear} layer's output: y = Wx + b + {@code delta(x)}, with
 * x (..., in) the layer's input and the result (..., out). A LoRA adapter's delta is
 * s·B(A(dropout(x))).
 */
@FunctionalInterface
public interface LinearAdapter {

    /** @return (..., out), added to the base layer's output (bias included) */
    NDArray delta(NDArray x);

    /**
     * This adapter outside autograd ({@link DetachedLinear}), or null when it needs autograd
     * (LoRA's dropout draws masks its backward would need again).
     */
    default Detached detached() {
        return null;
    }

    /** An adapter's delta without a graph, and its backward by hand. */
    interface Detached {

        /** @return (..., out): {@link LinearAdapter#delta}, the same ops on the same values, with no graph */
        NDArray delta(NDArray x);

        /**
         * Adds this adapter's weight gradients for the output gradient {@code dy} (..., out) at
         * the input {@code x} (..., in) to their {@code .grad}, and returns its share of ∂L/∂x.
         *
         * @return (..., in)
         */
        NDArray backward(NDArray x, NDArray dy);
    }
}
