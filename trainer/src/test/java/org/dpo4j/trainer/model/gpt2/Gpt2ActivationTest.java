package org.dpo4j.trainer.model.gpt2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class Gpt2ActivationTest {

    private static final float[] X = {-4f, -1.5f, -0.5f, 0f, 0.25f, 1f, 3f};

    @Test
    void geluNewIsTheTanhFormula() {
        // gelu_new(x) = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), evaluated here in double.
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] y = Gpt2Activation.apply("gelu_new", manager.create(X)).toFloatArray();
            for (int i = 0; i < X.length; i++) {
                double x = X[i];
                double expected = 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
                assertEquals(expected, y[i], 1e-6, "x = " + x);
            }
        }
    }

    @Test
    void geluIsExactAndDiffersFromGeluNew() {
        // Exact GELU: gelu(x) − gelu(−x) = x (erf is odd) and gelu(0) = 0; it agrees with libtorch's
        // own gelu, and differs from the tanh form by ~1e-4 at x = 1.5 (the size the fixtures catch).
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(X);
            float[] exact = Gpt2Activation.apply("gelu", x).toFloatArray();
            float[] torch = x.getNDArrayInternal().gelu().toFloatArray();
            float[] negated = Gpt2Activation.apply("gelu", x.neg()).toFloatArray();
            float[] tanhForm = Gpt2Activation.apply("gelu_new", x).toFloatArray();
            for (int i = 0; i < X.length; i++) {
                assertEquals(torch[i], exact[i], 1e-6, "x = " + X[i]);
                assertEquals(X[i], exact[i] - negated[i], 1e-6, "x = " + X[i]);
            }
            assertEquals(0f, exact[3]);
            assertTrue(Math.abs(exact[1] - tanhForm[1]) > 1e-5, "gelu and gelu_new coincide");
        }
    }

    @Test
    void reluClampsAtZero() {
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] y = Gpt2Activation.apply("relu", manager.create(X)).toFloatArray();
            for (int i = 0; i < X.length; i++) {
                assertEquals(Math.max(0f, X[i]), y[i]);
            }
        }
    }
}
