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
 * @param layout  how {@code weight} is stored
 * @param adapter what an adapter adds to the output (LoRA), or null for none
 */
public record Linear(NDArray weight, NDArray bias, Layout layout, LinearAdapter adapter) {

    /** A layer without an adapter. */
    public Linear(NDArray weight, NDArray bias, Layout layout) {
        this(weight, bias, layout, null);
    }

    /** How a weight matrix is stored. */
    public enum Layout {
        /** (out, in), {@code torch.nn.Linear}: applied transposed. */
        OUT_IN,
        /** (in, out), GPT-2's {@code Conv1D}: applied as stored. */
        IN_OUT
    }

    /**
     * The layer called {@code name} in {@code weights}: {@code name.weight}, and {@code name.bias}
     * when {@code biased}, with the adapter {@code weights} carry for module {@code name}, if any.
     */
    public static Linear named(ModelWeights weights, String name, boolean biased, Layout layout) {
        return new Linear(weights.get(name + ".weight"), biased ? weights.get(name + ".bias") : null, layout,
                weights.adapters().forModule(name));
    }

    /** @return (..., out): Wx + b, plus the adapter's delta(x) added last (PEFT's order) */
    public NDArray apply(NDArray x) {
        // the product in the precision in force (train.precision), its result float32
        NDArray y = Autocast.current().matMul(x, layout == Layout.OUT_IN ? weight.transpose() : weight);
        y = bias == null ? y : y.add(bias);
        // In place: y is a fresh product (or sum) that no backward function keeps, so adding the
        // delta into it is allowed under autograd and saves one (..., out) array per adapted layer.
        return adapter == null ? y : y.addi(adapter.delta(x));
    }
}
