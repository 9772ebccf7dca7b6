package org.dpo4j.trainer.model;

import ai.djl.ndarray.NDArray;
import org.dpo4j.losses.Constants;

/** The tanh approximation of GELU, shared by GPT-2 ({@code gelu_new}) and Gemma ({@code gelu_pytorch_tanh}). */
public final class Gelu {

    /** √(2/π), the slope of the tanh approximation at 0. */
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

    private Gelu() {}

    /**
     * 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). It differs from the exact GELU by up to
     * about 1e-3, which shows in the logits.
     *
     * @param x any shape
     * @return same shape
     */
    public static NDArray tanh(NDArray x) {
        NDArray cube = x.mul(x).mul(x);
        NDArray inner = Constants.times(x.add(Constants.times(cube, 0.044715)), SQRT_2_OVER_PI);
        return Constants.times(x, 0.5).mul(inner.tanh().add(1));
    }
}
