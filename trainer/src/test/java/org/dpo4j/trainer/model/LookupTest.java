package org.dpo4j.trainer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LookupTest {

    /**
     * The table's gradient from {@link Lookup#rows} is Σ over the positions that read a row of
     * their upstream gradients, however often a row is read, accumulated across backward passes
     * into the table's dense gradient, with the sparse backward of large tables (threshold 0) and
     * the dense one (no threshold reached): compared with a gradient built by hand from the same
     * upstream values (Σ_p [ids_p = r]·u_p), after two backward passes.
     */
    @ParameterizedTest(name = "sparse backward above {0} elements")
    @ValueSource(longs = {0, Long.MAX_VALUE})
    void rowGradientsSumEveryReadOfARowAndAccumulateIntoTheDenseGradient(long sparseMinElements) {
        int rows = 7;
        int width = 3;
        long[] ids = {2, 5, 2, 0, 2, 5}; // row 2 read three times, row 5 twice, 1, 3, 4, 6 never
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray table = manager.randomNormal(new Shape(rows, width));
            new ModelWeights(manager, java.util.Map.of("table", table), java.util.Set.of()).requireGradients();
            NDArray idArray = manager.create(ids, new Shape(2, 3));
            NDArray upstream = manager.randomNormal(new Shape(2, 3, width));
            for (int pass = 0; pass < 2; pass++) {
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    collector.backward(Lookup.rows(table, idArray, sparseMinElements).mul(upstream).sum());
                }
            }
            float[] u = upstream.toFloatArray();
            float[] expected = new float[rows * width];
            for (int p = 0; p < ids.length; p++) {
                for (int c = 0; c < width; c++) {
                    expected[(int) ids[p] * width + c] += 2 * u[p * width + c];
                }
            }
            NDArray gradient = table.getGradient();
            assertEquals(new Shape(rows, width), gradient.getShape());
            assertFalse(gradient.isSparse(), "a dense gradient, as the optimizer reads it");
            assertArrayEquals(expected, gradient.toFloatArray(), 1e-5f);
            ai.djl.pytorch.jni.JniUtils.zeroGrad((ai.djl.pytorch.engine.PtNDArray) table);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(Lookup.rows(table, idArray, sparseMinElements).mul(upstream).sum());
            }
            assertFalse(table.getGradient().isSparse(), "after zeroGrad");
            float[] half = expected.clone();
            for (int i = 0; i < half.length; i++) half[i] /= 2;
            assertArrayEquals(half, table.getGradient().toFloatArray(), 1e-5f);
        }
    }
}
