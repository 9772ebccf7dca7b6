package org.dpo4j.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The AdamW update of one tensor as tensor ops, for the tensors {@link FusedAdamW} cannot reach
 * (another device or float type): {@code torch.optim.AdamW}'s non-fused path, op for op,
 *
 * <pre>
 *   g ← s·g                          clip_grad_norm_'s g.mul_(clip_coef)
 *   θ ← (1 − lr·λ)·θ                 param.mul_(1 − lr·weight_decay)
 *   v ← β2·v + ((1 − β2)·g)·g        exp_avg_sq.mul_(β2).addcmul_(g, g, 1 − β2)
 *   m ← m + (1 − β1)·(g − m)         exp_avg.lerp_(g, 1 − β1)  (its form for a weight below 1/2)
 *   d ← sqrt(v) / sqrt(1 − β2^k) + ε
 *   θ ← θ − (lr / (1 − β1^k))·(m / d)   param.addcdiv_(m, d, −step_size)
 *   g ← 0
 * </pre>
 *
 * <p><b>Streaming.</b> The update runs over the tensor in slices of at most
 * {@link #CHUNK_ELEMENTS} elements (whole rows along the first axis): θ, g, m and v of a slice
 * are views, updated in place, and the few slice-sized temporaries are closed with the slice's
 * scope, so a step allocates nothing in proportion to the model and a slice's arrays stay in
 * cache for all its ops. The ops per element do not depend on the slice size (bit for bit;
 * {@code AdamWTest}). g is scratch space after the moments: it is zeroed after the update.
 */
final class TensorOpsAdamW {

    /**
     * Elements per slice: 2^20 floats, 4 MiB per array, so a slice's arrays and temporaries
     * (about 28 MiB) still fit this machine's 32 MiB last-level cache; 1 MiB slices took about
     * 1.4x as long, each op being a JNI call and an OpenMP region (docs/performance.md).
     * (libtorch's own Adam step through DJL is not used: it takes β1, β2 and ε as float32, so
     * 1 − β2 = 0.001 comes out 1.3e-5 off.)
     */
    static final long CHUNK_ELEMENTS = 1L << 20;

    private TensorOpsAdamW() {}

    /**
     * Updates θ, m, v of one tensor slice by slice and zeroes its gradient. Call in a scope.
     *
     * @param chunkElements the most elements per slice (whole rows)
     */
    static void update(NDArray p, NDArray g, NDArray m, NDArray v, AdamWScalars scalars, long chunkElements) {
        Coefficients c = new Coefficients(p.getManager(), scalars);
        RowSlices.forEach(p, g, m, v, chunkElements, (ps, gs, ms, vs) -> updateSlice(ps, gs, ms, vs, c));
        JniUtils.zeroGrad((PtNDArray) p);
    }

    /**
     * The step's scalars as 0-dimensional double tensors, made once per tensor rather than once
     * per op: as {@code muli(Number)} would make them, so every op rounds as it would with a
     * number (the scalar is cast to the tensor's float type).
     */
    private record Coefficients(NDArray gradScale, NDArray beta1, NDArray oneMinusBeta1, NDArray beta2,
            NDArray oneMinusBeta2, NDArray decay, NDArray sqrtBias2, NDArray eps, NDArray stepSize,
            boolean scaled, boolean decayed, boolean lerpFromStart) {

        Coefficients(NDManager manager, AdamWScalars s) {
            this(manager.create(s.gradScale()), manager.create(s.beta1()), manager.create(s.lerpWeight()),
                    manager.create(s.beta2()), manager.create(1 - s.beta2()), manager.create(s.decay()),
                    manager.create(s.sqrtBias2()), manager.create(s.eps()), manager.create(s.stepSize()),
                    s.scaled(), s.decayed(), s.lerpFromStart());
        }
    }

    /** One slice, op by op as above; two slice-sized temporaries at most are alive at once. */
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
}
