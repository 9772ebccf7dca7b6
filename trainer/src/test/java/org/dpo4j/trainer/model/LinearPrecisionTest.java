package org.dpo4j.trainer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/**
 * {@link Linear} under {@link Autocast} with float16 products: output and weight gradient stay
 * float32 and within float16's error bound of the float32 ones, on tiny shapes (CPU).
 *
 * <p>The bound. With u = 2^-11 (float16's unit roundoff), rounding x and w to float16 changes each
 * product x_i·w_i by at most (2u + u²)|x_i w_i|; summing k such products in a float16 accumulator
 * (the worst case; a float32 one is tighter) adds at most (k−1)·u·Σ|x_i w_i| (Higham's γ bound, to
 * first order), and rounding the result to float16 at most u·|y|. So
 * |y16 − y32| ≤ (k + 3)·u·Σ_i |x_i w_i| (+ float32's own, far smaller, error). The weight
 * gradient is the product gᵀx over the m rows, with g (the incoming gradient) and x rounded to
 * float16 in backward, so the same bound holds with k → m and the terms |g_r x_r|.
 */
public class LinearPrecisionTest {

    private static final double U = Math.scalb(1.0, -11);
    private static final int ROWS = 6;
    private static final int IN = 16;
    private static final int OUT = 5;

    private record Result(float[] y, float[] weightGrad) {}

    private static Result run(NDManager manager, MatmulPrecision precision, NDArray x, NDArray w, NDArray g) {
        NDArray weight = w.duplicate();
        weight.setRequiresGradient(true);
        Linear linear = new Linear(weight, null, Linear.Layout.OUT_IN);
        try (Autocast.Scope s = Autocast.enter(precision);
                GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray y = linear.apply(x);
            assertEquals(DataType.FLOAT32, y.getDataType(), "the product comes back as float32");
            collector.backward(y.mul(g).sum());
            assertEquals(DataType.FLOAT32, weight.getGradient().getDataType(), "the master gradient stays float32");
            return new Result(y.toFloatArray(), weight.getGradient().toFloatArray());
        }
    }

    @Test
    void fp16ProductsAndGradientsAreWithinFloat16sBound() {
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(7);
            NDArray x = manager.randomNormal(new Shape(ROWS, IN));
            NDArray w = manager.randomNormal(new Shape(OUT, IN));
            NDArray g = manager.randomNormal(new Shape(ROWS, OUT));
            Result fp32 = run(manager, new MatmulPrecision.Fp32(), x, w, g);
            Result fp16 = run(manager, new MatmulPrecision.Fp16(), x, w, g);

            // Σ_i |x_ri w_oi| per output (r, o), and Σ_r |g_ro x_ri| per weight (o, i)
            float[] outBound = x.abs().matMul(w.abs().transpose()).toFloatArray();
            float[] gradBound = g.abs().transpose().matMul(x.abs()).toFloatArray();
            boolean anyDifferent = false;
            for (int j = 0; j < fp32.y().length; j++) {
                double diff = Math.abs(fp16.y()[j] - fp32.y()[j]);
                assertTrue(diff <= (IN + 3) * U * outBound[j], "y[" + j + "]: " + diff);
                anyDifferent |= diff > 0;
            }
            for (int j = 0; j < fp32.weightGrad().length; j++) {
                double diff = Math.abs(fp16.weightGrad()[j] - fp32.weightGrad()[j]);
                assertTrue(diff <= (ROWS + 3) * U * gradBound[j], "dW[" + j + "]: " + diff);
                anyDifferent |= diff > 0;
            }
            assertTrue(anyDifferent, "the products ran in float16 (some result differs from float32)");
        }
    }

    @Test
    void outsideAnAutocastScopeProductsAreFloat32Again() {
        try (Autocast.Scope s = Autocast.enter(new MatmulPrecision.Fp16())) {
            assertEquals(new MatmulPrecision.Fp16(), Autocast.current());
        }
        assertEquals(new MatmulPrecision.Fp32(), Autocast.current());
    }
}
