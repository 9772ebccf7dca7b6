package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;

/**
 * Neyman χ² divergence Σ_y (π − π_ref)²/π = E_{π_ref}[(1 − u)²/u] with u = π/π_ref: Pearson χ²
 * with its arguments swapped. Pearson χ² (f(u) = (u − 1)², f'(u) = 2(u − 1), defined at u = 0) fails the f-DPO
 * condition and is refused; Neyman χ² meets it (not in the f-DPO paper's table):
 *
 * <pre>
 *   f(u)  = (1 − u)²/u = u − 2 + 1/u
 *   f'(u) = 1 − 1/u²
 *   f''(u) = 2/u³ > 0                       → f' strictly increasing on (0, ∞), hence invertible
 *   f'(u) → −∞ as u → 0⁺                    → 0 is not in the domain of f'
 *   ψ(s)  = f'(e^s) − 1 = −e^{−2s}          (c_f = 1)
 * </pre>
 *
 * It is the α = 2 member of the α-family up to a factor 2 (ψ = 2·ψ_{α=2}): the strongest penalty
 * of these on completions the policy makes much less likely than the reference (e^{−2s}). The
 * exponent −2s is clamped at {@link ExpClamp}'s C (700 in float64, 80 in float32).
 */
public record NeymanChiSquared() implements Divergence {

    @Override
    public String name() {
        return "neyman_chi_squared";
    }

    @Override
    public NDArray score(NDArray logRatio) {
        return ExpClamp.exp(Constants.times(logRatio, -2.0)).neg();
    }

    /**
     * q·f(p/q) = (q − p)²/p = q²/p − 2q + p, q²/p = exp(2·log q − log p) with its exponent clamped
     * (it is unbounded as p → 0 with q > 0).
     */
    @Override
    public NDArray pointwise(NDArray logP, NDArray logQ) {
        return ExpClamp.exp(Constants.times(logQ, 2).sub(logP)).sub(Constants.times(logQ.exp(), 2)).add(logP.exp());
    }
}
