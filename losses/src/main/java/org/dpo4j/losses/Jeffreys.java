package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;

/**
 * Jeffreys divergence, the symmetrised KL D(π ‖ π_ref) + D(π_ref ‖ π), as used by D2O (Duan et al.
 * 2024, "Negating Negatives: Alignment with Human Negative Samples via Distributional Dispreference
 * Optimization"). Not in the f-DPO paper's table; it meets its Theorem 1 condition:
 *
 * <pre>
 *   f(u)  = (u − 1)·log u                  (= u·log u − log u: the reverse- plus the forward-KL f)
 *   f'(u) = log u + (u − 1)/u = log u + 1 − 1/u
 *   f''(u) = 1/u + 1/u² > 0                 → f' strictly increasing on (0, ∞), hence invertible
 *   f'(u) → −∞ as u → 0⁺                    → 0 is not in the domain of f'
 *   ψ(s)  = f'(e^s) − 1 = s − e^{−s}        (c_f = 1)
 * </pre>
 *
 * The score is the sum of the reverse-KL and forward-KL scores. The exponent −s is clamped at
 * {@link ExpClamp}'s C (700 in float64, 80 in float32).
 */
public record Jeffreys() implements Divergence {

    @Override
    public String name() {
        return "jeffreys";
    }

    @Override
    public NDArray score(NDArray logRatio) {
        return logRatio.sub(ExpClamp.exp(logRatio.neg()));
    }

    /** q·f(p/q) = (p − q)·(log p − log q), every term ≥ 0. */
    @Override
    public NDArray pointwise(NDArray logP, NDArray logQ) {
        return logP.exp().sub(logQ.exp()).mul(logP.sub(logQ));
    }
}
