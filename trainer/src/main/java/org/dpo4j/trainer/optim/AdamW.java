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
 *   g ← s·g                                         (s: the global-norm clipping factor)
 *   θ ← θ − lr·λ·θ                                  (decoupled weight decay)
 *   m ← β1·m + (1 − β1)·g
 *   v ← β2·v + (1 − β2)·g²
 *   θ ← θ − lr · (m / (1 − β1^k)) / (sqrt(v) / sqrt(1 − β2^k) + ε)
 * </pre>
 *
 * each written as {@code torch.optim.AdamW}'s single-tensor path writes it (lerp for m, addcmul
 * for v, addcdiv for θ: see {@code updateSlice}), so that the float32 roundings are PyTorch's.
 * ε is added after the bias correction, as PyTorch does (DJL's own AdamW adds it before). The
 * moments are created here, in a manager that outlives the step scopes, so closing a step's
 * scope never frees them. After each step the gradients are zeroed in place.
 *
 * <p><b>Streaming.</b> The update runs over each parameter in slices of at most
 * {@link #CHUNK_ELEMENTS} elements (whole rows along the first axis): θ, g, m and v of a slice
 * are views, updated in place ({@code muli}, {@code addi}, {@code subi}), and the few
 * slice-sized temporaries (g², sqrt(v̂) + ε, the step) are closed with the slice's scope. So a
 * step allocates no memory in proportion to the model, each temporary is small enough for the
 * allocator to hand the same block back slice after slice (no fresh pages, no page faults), and
 * a slice's four arrays are read from memory once and stay in cache for all the ops on them,
 * which is what a fused kernel would save. The ops and their order are those of the whole-tensor
 * form, element by element, so the result does not depend on the slice size (bit for bit;
 * {@code AdamWTest}). The gradient itself is scaled and then reused as scratch space, which is
 * free because it is zeroed after the step anyway.
 */
public final class AdamW {

    /**
     * Elements per slice of the streaming update: 2^20 floats, 4 MiB per array, so a slice's
     * arrays and temporaries (about 28 MiB) still fit this machine's 32 MiB last-level cache.
     * Why not smaller: each op is a JNI call and an OpenMP region whose waiting thread sleeps
     * ({@code OMP_WAIT_POLICY=PASSIVE}), a fixed cost per op of tens of microseconds; 1 MiB
     * slices took about 1.4x as long per step as 4 MiB slices (docs/performance.md).
     * (libtorch's own in-place Adam step through DJL, one call per slice, is not used: it takes
     * β1, β2 and ε as float32, so 1 − β2 = 0.001 comes out 1.3e-5 off and the update is no
     * longer PyTorch's; {@code AdamWTest} catches it.)
     */
    static final long CHUNK_ELEMENTS = 1L << 20;

    private final List<NDArray> parameters;
    private final List<NDArray> firstMoments = new ArrayList<>();
    private final List<NDArray> secondMoments = new ArrayList<>();
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final long chunkElements;
    private final NDManager manager;
    private int step;

    /**
     * @param parameters trainable tensors (gradients attached)
     * @param manager    owns the moment estimates for the optimizer's lifetime
     */
    public AdamW(List<NDArray> parameters, NDManager manager, double beta1, double beta2, double eps, double weightDecay) {
        this(parameters, manager, beta1, beta2, eps, weightDecay, CHUNK_ELEMENTS);
    }

    /** As the public constructor, with slices of at most {@code chunkElements} elements (tests). */
    AdamW(List<NDArray> parameters, NDManager manager, double beta1, double beta2, double eps, double weightDecay,
            long chunkElements) {
        if (chunkElements < 1) {
            throw new IllegalArgumentException("chunkElements must be >= 1, got " + chunkElements);
        }
        this.parameters = List.copyOf(parameters);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.chunkElements = chunkElements;
        this.manager = manager;
        for (NDArray p : parameters) {
            firstMoments.add(manager.zeros(p.getShape(), p.getDataType(), p.getDevice()));
            secondMoments.add(manager.zeros(p.getShape(), p.getDataType(), p.getDevice()));
        }
    }

    /**
     * One update with the accumulated gradients, then zeroes them. Everything it makes (a few
     * scalars, the slices' views and temporaries) is freed before it returns.
     *
     * @param lr        learning rate of this step
     * @param gradScale factor applied to every gradient first (global-norm clipping), in (0, 1]
     */
    public void step(double lr, double gradScale) {
        step++;
        double bias1 = 1 - Math.pow(beta1, step);
        double bias2 = 1 - Math.pow(beta2, step);
        BlockScope.run(() -> {
            Coefficients c = new Coefficients(manager, gradScale, beta1, beta2,
                    weightDecay == 0 ? 1.0 : 1 - lr * weightDecay, bias2, eps, lr / bias1);
            for (int i = 0; i < parameters.size(); i++) {
                int index = i;
                // one scope per parameter: its views and temporaries are freed before the next one's
                BlockScope.run(() -> update(index, c));
            }
        });
        zeroGradients();
    }

    /**
     * The step's scalars as 0-dimensional tensors, made once per step rather than once per op:
     * double-precision values, as {@code muli(Number)} would make them, so every op rounds as
     * it would with a number (the scalar is cast to the tensor's float type).
     */
    private record Coefficients(NDArray gradScale, NDArray beta1, NDArray oneMinusBeta1, NDArray beta2,
            NDArray oneMinusBeta2, NDArray decay, NDArray sqrtBias2, NDArray eps, NDArray stepSize,
            boolean scaled, boolean decayed, boolean lerpFromStart) {

        Coefficients(NDManager manager, double gradScale, double beta1, double beta2, double decay, double bias2,
                double eps, double stepSize) {
            this(manager.create(gradScale), manager.create(beta1), manager.create(1 - beta1), manager.create(beta2),
                    manager.create(1 - beta2), manager.create(decay), manager.create(Math.sqrt(bias2)),
                    manager.create(eps), manager.create(stepSize), gradScale != 1.0, decay != 1.0, 1 - beta1 < 0.5);
        }
    }

    /** Parameter {@code i}, slice by slice along its first axis, each slice in its own scope (call in a scope). */
    private void update(int i, Coefficients c) {
        NDArray p = parameters.get(i);
        NDArray g = p.getGradient();
        NDArray m = firstMoments.get(i);
        NDArray v = secondMoments.get(i);
        long rows = p.getShape().dimension() == 0 ? 1 : p.getShape().get(0);
        long rowElements = rows == 0 ? 1 : Math.max(1, p.size() / rows);
        long rowsPerChunk = Math.max(1, chunkElements / rowElements);
        if (p.getShape().dimension() == 0 || rowsPerChunk >= rows) {
            updateSlice(p, g, m, v, c);
            return;
        }
        for (long start = 0; start < rows; start += rowsPerChunk) {
            long from = start;
            long to = Math.min(rows, start + rowsPerChunk);
            // views share the storage of the tensors they slice: in-place ops on them update the originals
            BlockScope.run(() -> updateSlice(
                    slice(p, from, to), slice(g, from, to), slice(m, from, to), slice(v, from, to), c));
        }
    }

    private static NDArray slice(NDArray array, long from, long to) {
        return JniUtils.slice((PtNDArray) array, 0, from, to, 1);
    }

    /**
     * The update of one slice: the whole-tensor formula, op for op, with the gradient scaled in
     * place and reused as the buffer for (1 − β1)·g. Two temporaries at most are alive at once.
     */
    /**
     * One slice, in the order and form of PyTorch's AdamW (its foreach path), op by op:
     * <pre>
     *   g ← s·g                          clip_grad_norm_'s g.mul_(clip_coef)
     *   θ ← (1 − lr·λ)·θ                 param.mul_(1 − lr·weight_decay)
     *   v ← β2·v + ((1 − β2)·g)·g        exp_avg_sq.mul_(β2).addcmul_(g, g, 1 − β2)
     *   m ← m + (1 − β1)·(g − m)         exp_avg.lerp_(g, 1 − β1)  (its form for a weight below 1/2)
     *   d ← sqrt(v) / sqrt(1 − β2^k) + ε
     *   θ ← θ − (lr / (1 − β1^k))·(m / d)   param.addcdiv_(m, d, −step_size)
     * </pre>
     * g is scratch space after the moments (it is zeroed after the step anyway). 14 element-wise
     * passes, three slice-sized temporaries.
     */
    private static void updateSlice(NDArray p, NDArray g, NDArray m, NDArray v, Coefficients c) {
        if (c.scaled()) {
            g.muli(c.gradScale());
        }
        if (c.decayed()) {
            p.muli(c.decay());
        }
        try (NDArray weighted = g.mul(c.oneMinusBeta2())) {
            v.muli(c.beta2()).addi(weighted.muli(g));
        }
        if (c.lerpFromStart()) {
            m.addi(g.subi(m).muli(c.oneMinusBeta1()));
        } else {
            // lerp's weight is 1/2 or more only for β1 ≤ 1/2: the plain convex combination
            m.muli(c.beta1()).addi(g.muli(c.oneMinusBeta1()));
        }
        try (NDArray denominator = v.sqrt()) {
            denominator.divi(c.sqrtBias2()).addi(c.eps());
            try (NDArray update = m.div(denominator)) {
                p.subi(update.muli(c.stepSize()));
            }
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
