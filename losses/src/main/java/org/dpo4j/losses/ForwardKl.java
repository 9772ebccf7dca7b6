package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;

/**
 * Forward KL, D(π_ref ‖ π) = E_{π_ref}[log(π_ref/π)] (Wang et al. 2023, Table 1; TRL's
 * {@code f_divergence_type="forward_kl"}).
 *
 * <pre>
 *   f(u)  = −log u
 *   f'(u) = −1/u                           (f''(u) = 1/u² > 0: invertible; −1/u → −∞ as u → 0⁺)
 *   ψ(s)  = f'(e^s) = −e^{−s}              (c_f = 0)
 * </pre>
 *
 * f-DPO's logit is then e^{−s_l} − e^{−s_w}. The exponent −s is clamped at {@link ExpClamp}'s C
 * (700 in float64, 80 in float32): for s ≥ −C the score is exact.
 */
public record ForwardKl() implements Divergence {

    @Override
    public String name() {
        return "forward_kl";
    }

    @Override
    public NDArray score(NDArray logRatio) {
        return ExpClamp.exp(logRatio.neg()).neg();
    }

    /**
     * q·f(p/q) = q·(log q − log p); with p = π, q = π_ref this is TDPO's per-token KL(π_ref ‖ π),
     * computed with the same operations as {@link SequenceStats#positionKl} (bitwise equal).
     */
    @Override
    public NDArray pointwise(NDArray logP, NDArray logQ) {
        return logQ.exp().mul(logQ.sub(logP));
    }
}
