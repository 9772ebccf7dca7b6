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
 * AdamW exactly as {@code torch.optim.AdamW} (Loshchilov and Hutter 2019), for step k ≥ 1:
 *
 * <pre>
 *   θ ← θ − lr·λ·θ                                  (decoupled weight decay)
 *   m ← β1·m + (1 − β1)·g
 *   v ← β2·v + (1 − β2)·g²
 *   θ ← θ − lr · (m / (1 − β1^k)) / (sqrt(v / (1 − β2^k)) + ε)
 * </pre>
 *
 * ε is added after the bias correction, as PyTorch does (DJL's own AdamW adds it before). The
 * moments are created here, in a manager that outlives the step scopes, so closing a step's
 * scope never frees them. After each step the gradients are zeroed in place.
 */
public final class AdamW {

    private final List<NDArray> parameters;
    private final List<NDArray> firstMoments = new ArrayList<>();
    private final List<NDArray> secondMoments = new ArrayList<>();
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private int step;

    /**
     * @param parameters trainable tensors (gradients attached)
     * @param manager    owns the moment estimates for the optimizer's lifetime
     */
    public AdamW(List<NDArray> parameters, NDManager manager, double beta1, double beta2, double eps, double weightDecay) {
        this.parameters = List.copyOf(parameters);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        for (NDArray p : parameters) {
            firstMoments.add(manager.zeros(p.getShape(), p.getDataType(), p.getDevice()));
            secondMoments.add(manager.zeros(p.getShape(), p.getDataType(), p.getDevice()));
        }
    }

    /**
     * One update with the accumulated gradients, then zeroes them. Call inside a step scope:
     * temporaries are freed with it.
     *
     * @param lr        learning rate of this step
     * @param gradScale factor applied to every gradient first (global-norm clipping), in (0, 1]
     */
    public void step(double lr, double gradScale) {
        step++;
        double bias1 = 1 - Math.pow(beta1, step);
        double bias2 = 1 - Math.pow(beta2, step);
        for (int i = 0; i < parameters.size(); i++) {
            int index = i;
            // one scope per parameter: its temporaries are freed before the next parameter's
            BlockScope.run(() -> update(index, lr, gradScale, bias1, bias2));
        }
        zeroGradients();
    }

    private void update(int i, double lr, double gradScale, double bias1, double bias2) {
        NDArray p = parameters.get(i);
        NDArray g = p.getGradient();
        if (gradScale != 1.0) {
            g = g.mul(gradScale);
        }
        NDArray m = firstMoments.get(i).muli(beta1).addi(g.mul(1 - beta1));
        NDArray v = secondMoments.get(i).muli(beta2).addi(g.square().muli(1 - beta2));
        if (weightDecay != 0) {
            p.muli(1 - lr * weightDecay);
        }
        NDArray denominator = v.div(bias2).sqrt().addi(eps);
        p.subi(m.div(denominator).muli(lr / bias1));
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
