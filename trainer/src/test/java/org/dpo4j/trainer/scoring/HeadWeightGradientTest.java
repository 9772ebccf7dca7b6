package org.dpo4j.trainer.scoring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HeadWeightGradientTest {

    /**
     * The head weight's gradient added slice by slice equals what was there plus one gᵀ·x, for
     * slices that divide V, that do not (a short last slice), of one row, and of all of V.
     */
    @ParameterizedTest(name = "{0} rows per product")
    @ValueSource(longs = {1, 3, 4, 11, 64})
    void slicesAddTheWholeProductIntoTheGradient(long rowsPerProduct) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray before = manager.randomNormal(new Shape(11, 5)); // (V, d)
            NDArray g = manager.randomNormal(new Shape(6, 11)); // (R, V)
            NDArray x = manager.randomNormal(new Shape(6, 5)); // (R, d)
            NDArray expected = before.add(g.transpose().matMul(x));
            NDArray gradient = before.duplicate();
            RecomputedHead.addWeightGradient(gradient, g, x, rowsPerProduct);
            assertArrayEquals(expected.toFloatArray(), gradient.toFloatArray(), 1e-5f);
        }
    }
}
