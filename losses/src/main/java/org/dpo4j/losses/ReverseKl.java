package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;

/**
 * Reverse KL, D(π ‖ π_ref) = E_π[log(π/π_ref)]: the constraint of RLHF and DPO.
 *
 * <pre>
 *   f(u)  = u·log u
 *   f'(u) = log u + 1                      (f''(u) = 1/u > 0: invertible; log u → −∞ as u → 0⁺)
 *   ψ(s)  = f'(e^s) − 1 = s                (c_f = 1)
 * </pre>
 *
 * The score is the log-ratio itself (the same array), so f-DPO with reverse KL computes exactly
 * DPO's logit β·(s_w − s_l) (Wang et al. 2023, Table 1; Rafailov et al. 2023, Eq. 7).
 */
public record ReverseKl() implements Divergence {

    @Override
    public String name() {
        return "reverse_kl";
    }

    @Override
    public NDArray score(NDArray logRatio) {
        return logRatio;
    }

    /** q·f(p/q) = p·(log p − log q). */
    @Override
    public NDArray pointwise(NDArray logP, NDArray logQ) {
        return logP.exp().mul(logP.sub(logQ));
    }
}
