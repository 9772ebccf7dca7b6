package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;

/**
 * Squared Hellinger distance H²(π, π_ref) = E_{π_ref}[(√(π/π_ref) − 1)²]. Not in the f-DPO paper's
 * table; it meets its Theorem 1 condition:
 *
 * <pre>
 *   f(u)  = (√u − 1)²  = u − 2√u + 1
 *   f'(u) = 1 − u^{−1/2}
 *   f''(u) = u^{−3/2}/2 > 0                 → f' strictly increasing on (0, ∞), hence invertible
 *   f'(u) → −∞ as u → 0⁺                    → 0 is not in the domain of f'
 *   ψ(s)  = f'(e^s) − 1 = −e^{−s/2}         (c_f = 1)
 * </pre>
 *
 * It is the α = 1/2 member of the α-family up to a factor 1/2 (ψ = ψ_{α=1/2}/2, i.e. α = 1/2 at
 * half the β). f' is bounded above (by 1), so a very likely chosen completion earns little more
 * reward: the constraint saturates on the policy's side. The exponent −s/2 is clamped at
 * {@link ExpClamp}'s C (700 in float64, 80 in float32).
 */
public record SquaredHellinger() implements Divergence {

    @Override
    public String name() {
        return "squared_hellinger";
    }

    @Override
    public NDArray score(NDArray logRatio) {
        return ExpClamp.exp(Constants.times(logRatio, -0.5)).neg();
    }

    /** q·f(p/q) = (√p − √q)², every term in [0, 1]. */
    @Override
    public NDArray pointwise(NDArray logP, NDArray logQ) {
        return Constants.times(logP, 0.5).exp().sub(Constants.times(logQ, 0.5).exp()).square();
    }
}
