package org.dpo4j.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/** Backward passes that start from an array with a given gradient, for graphs cut into pieces. */
public final class Backpropagation {

    private Backpropagation() {}

    /**
     * Back-propagates {@code gradient} as ∂L/∂{@code output} (libtorch's
     * tensor.backward(gradient)), inside an open gradient collector: the same gradients as a
     * backward pass of Σ output ⊙ gradient, without forming that product and its own backward
     * pass (two passes over the array saved).
     *
     * @param keepGraph whether the graph behind {@code output} stays for another pass through it
     */
    public static void from(NDArray output, NDArray gradient, boolean keepGraph) {
        JniUtils.backward((PtNDArray) output, (PtNDArray) gradient, keepGraph, false);
    }
}
