package org.dpo4j.trainer.model;

import ai.djl.ndarray.NDArray;

/**
 * One weight matrix applied to the last axis of its input, with an optional bias: every
 * projection of every family (attention q/k/v/o, MLP, GPT-2's Conv1D, the LM head) goes through
 * {@link #apply}, so that what changes how a weight is applied (an adapter, a precision policy)
 * attaches here once.
 *
 * <pre>
 *   OUT_IN (nn.Linear, weight (out, in)):  y = x·Wᵀ + b
 *   IN_OUT (GPT-2's Conv1D, weight (in, out)): y = x·W + b
 * </pre>
 * x is (..., in) and y (..., out). The matmul runs first and the bias is added to its result,
 * the order the checkpoints' own frameworks use, so the float32 results are the same bit for bit.
 *
 * @param weight the matrix, laid out as {@code layout} says
 * @param bias   (out), or null when the layer has none
 * @param layout how {@code weight} is stored
 */
public record Linear(NDArray weight, NDArray bias, Layout layout) {

    /** How a weight matrix is stored. */
    public enum Layout {
        /** (out, in), {@code torch.nn.Linear}: applied transposed. */
        OUT_IN,
        /** (in, out), GPT-2's {@code Conv1D}: applied as stored. */
        IN_OUT
    }

    /**
     * The layer called {@code name} in {@code weights}: {@code name.weight}, and {@code name.bias}
     * when {@code biased}.
     */
    public static Linear named(ModelWeights weights, String name, boolean biased, Layout layout) {
        return new Linear(weights.get(name + ".weight"), biased ? weights.get(name + ".bias") : null, layout);
    }

    /** @return (..., out) */
    public NDArray apply(NDArray x) {
        // the product in the precision in force (train.precision), its result float32
        NDArray y = Autocast.current().matMul(x, layout == Layout.OUT_IN ? weight.transpose() : weight);
        return bias == null ? y : y.add(bias);
    }
}
