package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;

/**
 * Jensen–Shannon divergence (Wang et al. 2023, Table 1; TRL's {@code js_divergence}).
 *
 * <pre>
 *   f(u)  = u·log u − (1 + u)·log((1 + u)/2)
 *   f'(u) = log u + 1 − log((1 + u)/2) − 1 = log(2u/(1 + u))
 *           (f''(u) = 1/u − 1/(1 + u) = 1/(u(1 + u)) > 0: invertible; → −∞ as u → 0⁺)
 *   ψ(s)  = f'(e^s) − log 2 = log(e^s/(1 + e^s)) = log σ(s)        (c_f = log 2)
 * </pre>
 *
 * Computed as −softplus(−s), which is finite and accurate for any s (no exponent to clamp).
 */
public record JensenShannon() implements Divergence {

    @Override
    public String name() {
        return "js";
    }

    @Override
    public NDArray score(NDArray logRatio) {
        return StableMath.logSigmoid(logRatio);
    }

    /**
     * q·f(p/q) = p·(log 2 + log p − m) + q·(log 2 + log q − m), m = log(p + q) = max(log p, log q)
     * + softplus(−|log p − log q|) (bounded: no clamp needed).
     */
    @Override
    public NDArray pointwise(NDArray logP, NDArray logQ) {
        NDArray m = logP.maximum(logQ).add(StableMath.softplus(logP.sub(logQ).abs().neg()));
        double ln2 = Math.log(2);
        return logP.exp().mul(logP.sub(m).add(ln2)).add(logQ.exp().mul(logQ.sub(m).add(ln2)));
    }
}
