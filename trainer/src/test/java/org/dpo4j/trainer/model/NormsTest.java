package org.dpo4j.trainer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class NormsTest {

    @Test
    void layerNormUsesTheBiasedVariance() {
        // x = [1, 2, 3, 4]: mean 2.5, biased variance (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25,
        // so y = w · (x − 2.5) / sqrt(1.25 + ε) + b.
        double eps = 1e-5;
        double s = Math.sqrt(1.25 + eps);
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] y = Norms.layer(
                    manager.create(new float[] {1, 2, 3, 4}),
                    manager.create(new float[] {1, 2, 1, 1}),
                    manager.create(new float[] {0, 0, 0.5f, -1}), eps).toFloatArray();
            float[] expected = {(float) (-1.5 / s), (float) (2 * -0.5 / s), (float) (0.5 / s + 0.5), (float) (1.5 / s - 1)};
            assertArrayEquals(expected, y, 1e-6f);
        }
    }

    @Test
    void rmsNormDoesNotCentre() {
        // x = [1, 2, 3, 4]: mean(x²) = 30 / 4 = 7.5, so y = w · x / sqrt(7.5 + ε).
        double eps = 1e-6;
        double r = Math.sqrt(7.5 + eps);
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] y = Norms.rms(manager.create(new float[] {1, 2, 3, 4}), manager.create(new float[] {1, 1, 2, 1}), eps)
                    .toFloatArray();
            assertArrayEquals(new float[] {(float) (1 / r), (float) (2 / r), (float) (6 / r), (float) (4 / r)}, y, 1e-6f);
        }
    }
}
