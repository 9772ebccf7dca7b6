package org.dpo4j.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.List;
import org.dpo4j.trainer.model.BlockScope;

/**
 * Gradient clipping by global L2 norm, as {@code torch.nn.utils.clip_grad_norm_}:
 * ‖g‖ = sqrt(Σ_p Σ g_p²); every gradient is scaled by min(1, maxNorm / (‖g‖ + 1e−6)).
 *
 * <p>The norm is computed as PyTorch computes it, ‖g‖ = ‖(‖g_1‖, …, ‖g_P‖)‖ with each ‖g_p‖ one
 * reduction over the gradient ({@code linalg.vector_norm}), so no gradient-sized temporary
 * (such as g²) is made. The scaling itself is not done here: {@link AdamW#step} applies the
 * factor to each slice of a gradient just before using it, in the same pass as the update.
 */
public final class GlobalNormClipper {

    private GlobalNormClipper() {}

    /** The global L2 norm of the parameters' gradients (call inside a step scope). */
    public static double globalNorm(List<NDArray> parameters) {
        NDList norms = new NDList(parameters.size());
        for (NDArray p : parameters) {
            // a reduction straight over the gradient: only the scalar is kept
            norms.add(BlockScope.keepOutput(() -> p.getGradient().norm()));
        }
        return NDArrays.stack(norms).norm().getFloat();
    }

    /**
     * The factor that brings {@code norm} down to {@code maxNorm}; 1 when it is already within
     * it or clipping is off ({@code maxNorm == 0}).
     */
    public static double scale(double norm, double maxNorm) {
        if (maxNorm <= 0) {
            return 1.0;
        }
        return Math.min(1.0, maxNorm / (norm + 1e-6));
    }
}
