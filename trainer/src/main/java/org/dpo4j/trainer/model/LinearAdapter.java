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
}
