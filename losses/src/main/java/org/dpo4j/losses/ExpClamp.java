package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * exp with a clamped exponent, for the f-DPO scores that contain e^{−s} or e^{−α·s} and would
 * overflow for large negative log-ratios s.
 *
 * <p>The clamp: {@code exp(min(x, C))} with C = 700 in float64 (e^700 ≈ 1.0e304, a factor ≈ 1.8e4
 * below the largest double), C = 80 in float32 (e^80 ≈ 5.5e34, a factor ≈ 6e3 below the largest
 * float) and C = 10 in float16 (e^10 ≈ 2.2e4 < 65504). The head-room keeps the differences, the
 * 1/α factor (α ≥ 1e−3) and the β-scaling of the f-DPO logit finite, where TRL's {@code cap_exp}
 * clamps at ln(max) itself and can still overflow afterwards. Where the clamp binds, the value
 * saturates and its gradient is 0: for the rejected side that is the regime where the loss and its
 * gradient are already ≈ 0; for the chosen side it is a divergent run (loss ≳ β·e^C), where a zero
 * gradient for that pair is preferable to inf/NaN. Below C the result is the exact exp.
 */
final class ExpClamp {

    private ExpClamp() {}

    /** The largest exponent used for arrays of the given type. */
    static double maxExponent(DataType type) {
        return switch (type) {
            case FLOAT64 -> 700;
            case FLOAT16 -> 10;
            default -> 80;
        };
    }

    /**
     * exp(min(x, C)) elementwise, C = {@link #maxExponent} of x's type.
     *
     * @param x any shape, floating point
     * @return e^x where x ≤ C, e^C elsewhere; same shape
     */
    static NDArray exp(NDArray x) {
        // clip passes the whole gradient at x = C (minimum would halve it there).
        return x.clip(Double.NEGATIVE_INFINITY, maxExponent(x.getDataType())).exp();
    }
}
