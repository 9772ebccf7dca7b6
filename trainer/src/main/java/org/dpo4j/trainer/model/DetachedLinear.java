package org.dpo4j.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * A {@link Linear} layer applied outside autograd, with its backward pass by hand, for an input
 * that is recomputed at backward time rather than kept ({@link SegmentedBackward}: the SwiGLU
 * product before down_proj, one (positions, I) array per block).
 *
 * <pre>
 *   forward:   y = x·Wᵀ + b + delta(x)                  (IN_OUT: x·W), no graph
 *   backward:  ∂x = ∂y·W + adapter's share               (IN_OUT: ∂y·Wᵀ)
 *              W.grad += ∂yᵀ·x   (only if W trains)     (IN_OUT: xᵀ·∂y)
 *              b.grad += Σ_rows ∂y   (only if b trains)
 * </pre>
 * with x flattened to (M, in) and ∂y to (M, out). The forward is {@link Linear#apply}'s ops on
 * the same values, so y is the same bit for bit; the gradients are autograd's products, up to
 * the order of float32 additions.
 */
public final class DetachedLinear {

    private DetachedLinear() {}

    /**
     * Whether {@code layer} can be run this way here: float32 products (under float16 autocast
     * the casts are part of the graph) and no adapter or one that runs {@link LinearAdapter#detached detached}.
     */
    public static boolean supports(Linear layer) {
        return Autocast.current() instanceof MatmulPrecision.Fp32
                && (layer.adapter() == null || layer.adapter().detached() != null);
    }

    /** @return (..., out), {@link Linear#apply} without a graph (call only when {@link #supports}) */
    public static NDArray apply(Linear layer, NDArray x) {
        NDArray w = layer.weight().stopGradient();
        NDArray y = Autocast.current().matMul(x, layer.layout() == Linear.Layout.OUT_IN ? w.transpose() : w);
        y = layer.bias() == null ? y : y.addi(layer.bias().stopGradient()); // y is this call's own array
        return layer.adapter() == null ? y : y.addi(layer.adapter().detached().delta(x));
    }

    /**
     * Adds the layer's gradients for {@code dy} at input {@code x} to the {@code .grad} of every
     * tensor of it that trains, and returns ∂L/∂x.
     *
     * @param x  (..., in), the input {@link #apply} was given (recomputed: the same values)
     * @param dy (..., out)
     * @return (..., in)
     */
    public static NDArray backward(Linear layer, NDArray x, NDArray dy) {
        NDArray w = layer.weight();
        boolean outIn = layer.layout() == Linear.Layout.OUT_IN;
        NDArray constantW = w.stopGradient();
        NDArray dx = dy.matMul(outIn ? constantW : constantW.transpose());
        if (w.hasGradient()) {
            Shape wShape = w.getShape();
            long in = outIn ? wShape.get(1) : wShape.get(0);
            long out = outIn ? wShape.get(0) : wShape.get(1);
            NDArray rows = x.reshape(-1, in);
            NDArray rowGradients = dy.reshape(-1, out);
            try (NDArray product = outIn ? rowGradients.transpose().matMul(rows) : rows.transpose().matMul(rowGradients)) {
                w.getGradient().addi(product);
            }
        }
        NDArray b = layer.bias();
        if (b != null && b.hasGradient()) {
            try (NDArray sum = dy.reshape(-1, b.getShape().get(0)).sum(new int[] {0})) {
                b.getGradient().addi(sum);
            }
        }
        return layer.adapter() == null ? dx : dx.addi(layer.adapter().detached().backward(x, dy));
    }
}
