package org.dpo4j.trainer.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.api.Test;

class GlobalNormClipperTest {

    @Test
    void normIsOverAllParametersTogether() {
        // Gradients [3] and [0, 4] have global norm sqrt(9 + 16) = 5.
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray a = manager.create(new float[] {1f});
            NDArray b = manager.create(new float[] {1f, 1f});
            a.setRequiresGradient(true);
            b.setRequiresGradient(true);
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                c.backward(a.mul(3).sum().add(b.mul(manager.create(new float[] {0f, 4f})).sum()));
            }
            assertEquals(5.0, GlobalNormClipper.globalNorm(List.of(a, b)), 1e-6);
        }
    }

    /**
     * A matrix's gradient counts with all its entries (the Frobenius norm, as clip_grad_norm_'s
     * vector norm), not its spectral norm: [[3, 0], [0, 4]] and [12] give sqrt(9 + 16 + 144) = 13
     * (with the spectral norm 4 it would be sqrt(16 + 144) = 12.65).
     */
    @Test
    void aMatrixGradientCountsEveryEntry() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray a = manager.create(new float[] {1f, 1f, 1f, 1f}, new ai.djl.ndarray.types.Shape(2, 2));
            NDArray b = manager.create(new float[] {1f});
            a.setRequiresGradient(true);
            b.setRequiresGradient(true);
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                NDArray g = manager.create(new float[] {3f, 0f, 0f, 4f}, new ai.djl.ndarray.types.Shape(2, 2));
                c.backward(a.mul(g).sum().add(b.mul(12).sum()));
            }
            assertEquals(13.0, GlobalNormClipper.globalNorm(List.of(a, b)), 1e-6);
        }
    }

    @Test
    void scaleClipsOnlyAboveTheMaximum() {
        assertEquals(1.0, GlobalNormClipper.scale(0.5, 1.0));
        assertEquals(0.2, GlobalNormClipper.scale(5.0, 1.0), 1e-6);
        assertEquals(1.0, GlobalNormClipper.scale(1e9, 0.0), "0 disables clipping");
    }
}
