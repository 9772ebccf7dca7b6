package org.dpo4j.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import org.dpo4j.trainer.model.BlockScope;
import org.dpo4j.trainer.model.ModelWeights;

/**
 * AdamW as PyTorch's {@code torch.optim.AdamW} (Loshchilov and Hutter 2019), for step k ≥ 1:
 *
 * <pre>
 *   g ← s·g                                         (s: the global-norm clipping factor)
 *   θ ← θ − lr·λ·θ                                  (decoupled weight decay)
 *   m ← β1·m + (1 − β1)·g
 *   v ← β2·v + (1 − β2)·g²
 *   θ ← θ − lr · (m / (1 − β1^k)) / (sqrt(v) / sqrt(1 − β2^k) + ε)
 * </pre>
 *
 * ε is added after the bias correction, as PyTorch does (DJL's own AdamW adds it before).
 * float32 tensors on the CPU take {@link FusedAdamW}: one pass per tensor, bit for bit PyTorch's
 * fused kernel ({@code fused=True}, TRL's default optimizer). Any other tensor takes
 * {@link TensorOpsAdamW}, PyTorch's non-fused form as tensor ops. The moments are created here,
 * in a manager that outlives the step scopes, so closing a step's scope never frees them. Each
 * tensor's gradient is zeroed as its update ends.
 */
public final class AdamW {

    private final List<NDArray> parameters;
    private final List<NDArray> firstMoments = new ArrayList<>();
    private final List<NDArray> secondMoments = new ArrayList<>();
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final long chunkElements;
    private final boolean fuse;
    private final FusedAdamW fused;
    /** Per parameter: whether {@link FusedAdamW} reaches its four tensors; decided at its first update. */
    private final Boolean[] fusedReaches;
    private int step;

    /**
     * @param parameters trainable tensors (gradients attached)
     * @param manager    owns the moment estimates for the optimizer's lifetime
     */
    public AdamW(List<NDArray> parameters, NDManager manager, double beta1, double beta2, double eps, double weightDecay) {
        this(parameters, manager, beta1, beta2, eps, weightDecay, TensorOpsAdamW.CHUNK_ELEMENTS, true,
                FusedAdamW.MAX_SEGMENT_ELEMENTS);
    }

    /**
     * As the public constructor, with {@code fuse} false forcing {@link TensorOpsAdamW} on every
     * tensor, in slices of at most {@code chunkElements} elements, and the fused kernel's direct
     * buffers spanning at most {@code maxSegmentElements} elements (tests).
     */
    AdamW(List<NDArray> parameters, NDManager manager, double beta1, double beta2, double eps, double weightDecay,
            long chunkElements, boolean fuse, long maxSegmentElements) {
        if (chunkElements < 1) {
            throw new IllegalArgumentException("chunkElements must be >= 1, got " + chunkElements);
        }
        this.parameters = List.copyOf(parameters);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.chunkElements = chunkElements;
        this.fuse = fuse;
        this.fused = new FusedAdamW(maxSegmentElements);
        this.fusedReaches = new Boolean[parameters.size()];
        for (NDArray p : parameters) {
            firstMoments.add(manager.zeros(p.getShape(), p.getDataType(), p.getDevice()));
            secondMoments.add(manager.zeros(p.getShape(), p.getDataType(), p.getDevice()));
        }
    }

    /**
     * One update with the accumulated gradients, then zeroes them. Everything it makes (a few
     * scalars, views, the tensor-op path's temporaries) is freed before it returns.
     *
     * @param lr        learning rate of this step
     * @param gradScale factor applied to every gradient first (global-norm clipping), in (0, 1]
     */
    public void step(double lr, double gradScale) {
        step++;
        AdamWScalars scalars = AdamWScalars.of(step, lr, gradScale, beta1, beta2, eps, weightDecay);
        for (int i = 0; i < parameters.size(); i++) {
            int index = i;
            // one scope per parameter: its views and temporaries are freed before the next one's
            BlockScope.run(() -> update(index, scalars));
        }
    }

    private void update(int i, AdamWScalars scalars) {
        NDArray p = parameters.get(i);
        NDArray g = p.getGradient();
        NDArray m = firstMoments.get(i);
        NDArray v = secondMoments.get(i);
        if (fusedReaches[i] == null) {
            fusedReaches[i] = fuse && FusedAdamW.reaches(p) && FusedAdamW.reaches(g) && FusedAdamW.reaches(m)
                    && FusedAdamW.reaches(v);
        }
        if (fusedReaches[i]) {
            fused.update(p, g, m, v, scalars);
        } else {
            TensorOpsAdamW.update(p, g, m, v, scalars, chunkElements);
        }
    }

    /** Sets every gradient to exactly 0 (NaN and Inf included), as PyTorch's grad.zero_(). */
    public void zeroGradients() {
        for (NDArray p : parameters) {
            JniUtils.zeroGrad((PtNDArray) p);
        }
    }

    /** Optimizer steps taken (updates applied; a skipped step is not one). */
    public int steps() {
        return step;
    }

    /** The first moment m (PyTorch's {@code exp_avg}) of parameter {@code i}, live: do not close. */
    public NDArray firstMoment(int i) {
        return firstMoments.get(i);
    }

    /** The second moment v (PyTorch's {@code exp_avg_sq}) of parameter {@code i}, live: do not close. */
    public NDArray secondMoment(int i) {
        return secondMoments.get(i);
    }

    /**
     * Continues from a checkpoint, one parameter at a time: copies the saved moments of parameter
     * {@code i} in, bit for bit.
     *
     * @param first  m of parameter {@code i}
     * @param second v of parameter {@code i}
     * @throws IllegalArgumentException when shapes or dtypes differ from the parameter's
     */
    public void restoreMoments(int i, NDArray first, NDArray second) {
        ModelWeights.copyInto(firstMoments.get(i), first);
        ModelWeights.copyInto(secondMoments.get(i), second);
    }

    /**
     * Sets the number of updates applied, so that the next {@link #step} uses the bias
     * correction the saved optimizer would have used.
     */
    public void restoreSteps(int steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got " + steps);
        }
        step = steps;
    }

    /** The number of parameters (and of first and second moments). */
    public int size() {
        return parameters.size();
    }
}
