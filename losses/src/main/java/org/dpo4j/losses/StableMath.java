package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;

/** Overflow-safe elementwise functions the engine lacks. */
final class StableMath {

    private StableMath() {}

    /**
     * log σ(x) = −softplus(−x). The engine's softplus returns its argument above a threshold and
     * log1p(exp(x)) below it, so this is finite and exact to float precision for |x| up to the
     * largest float (log σ(1000) = −0, log σ(−1000) = −1000).
     *
     * @param x any shape
     * @return log σ(x), same shape
     */
    static NDArray logSigmoid(NDArray x) {
        return softplus(x.neg()).neg();
    }

    /**
     * softplus(x) = log(1 + eˣ), computed without overflow.
     *
     * @param x any shape
     * @return softplus(x), same shape
     */
    static NDArray softplus(NDArray x) {
        return x.getNDArrayInternal().softPlus();
    }
}
