package org.dpo4j.losses;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import java.util.function.Function;
import java.util.function.Supplier;

/** Small autograd helpers shared by the loss tests. */
final class Autograd {

    private Autograd() {}

    /**
     * Runs a forward computation with gradient recording on and back-propagates the scalar it
     * returns; leaves must have {@code setRequiresGradient(true)} beforehand or inside.
     *
     * @return what {@code forward} returned, for inspection after the backward pass
     */
    static <T> T backward(Supplier<T> forward, Function<T, NDArray> scalar) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            T result = forward.get();
            gc.backward(scalar.apply(result));
            return result;
        }
    }

    /** The gradient of a leaf as float64 (zeros, in the leaf's shape, if nothing reached it). */
    static NDArray gradient(NDArray leaf) {
        return leaf.getGradient().toType(DataType.FLOAT64, false);
    }

    /** Any array's entries as doubles, whatever its floating-point type. */
    static double[] doubles(NDArray array) {
        return array.toType(DataType.FLOAT64, false).toDoubleArray();
    }
}
