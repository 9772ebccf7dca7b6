package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;

/**
 * The α-divergence in the convention of the f-DPO paper (Wang et al. 2023, Table 1).
 *
 * <pre>
 *   f(u)  = (u^{1−α} − (1 − α)·u − α) / (α(α − 1))
 *   f'(u) = (1 − u^{−α}) / α               (f''(u) = u^{−α−1} > 0: invertible; for α > 0,
 *                                            u^{−α} → ∞ as u → 0⁺, so 0 is not in the domain)
 *   ψ(s)  = f'(e^s) − 1/α = −e^{−α·s}/α     (c_f = 1/α)
 * </pre>
 *
 * f-DPO's logit is then (e^{−α·s_l} − e^{−α·s_w})/α. As α → 0 this tends to s_w − s_l (reverse
 * KL, i.e. DPO; the difference is O(α·(s_w² − s_l²))); α = 1 is forward KL exactly ({@link ForwardKl}
 * computes the same array); α = 1/2 is twice the squared Hellinger score. α ≤ 0 is refused: α = 0
 * is the reverse-KL limit (use {@code reverse_kl}), and for α < 0, f'(u) = (u^{|α|} − 1)/|α| is
 * defined at u = 0, which breaks f-DPO's condition.
 *
 * <p><b>TRL's coefficient.</b> TRL ≤ 0.28 used this α as {@code alpha_divergence_coef}; TRL ≥ 0.29
 * names its {@code f_alpha_divergence_coef} 1 − α for the same loss, so TRL ≥ 0.29's coefficient c
 * is α = 1 − c here (α = 0.5 is the same in both).
 *
 * <p>The exponent −α·s is clamped at {@link ExpClamp}'s C (700 in float64, 80 in float32). For
 * small α the logit is a difference of two numbers near −1/α, so its relative rounding error grows
 * like ε_machine/(α·|s_w − s_l|); prefer {@code reverse_kl} over α ≲ 1e−6 (float64) or 1e−2 (float32).
 *
 * @param alpha α > 0, finite (TRL's default 0.5)
 */
public record AlphaDivergence(double alpha) implements Divergence {

    public AlphaDivergence {
        if (alpha == 0) {
            throw new IllegalArgumentException(
                    "alpha = 0 is the limit of the alpha-divergence that equals reverse KL: use divergence reverse_kl");
        }
        if (alpha < 0) {
            throw new IllegalArgumentException("alpha must be > 0, got " + alpha + ": for alpha < 0, f'(u) = (1 - u^-alpha)"
                    + "/alpha is defined at u = 0, so f-DPO has no closed-form reward");
        }
        if (!Double.isFinite(alpha)) {
            throw new IllegalArgumentException("alpha must be a finite number > 0, got " + alpha);
        }
    }

    @Override
    public String name() {
        return "alpha";
    }

    @Override
    public NDArray score(NDArray logRatio) {
        return Constants.dividedBy(ExpClamp.exp(Constants.times(logRatio, -alpha)).neg(), alpha);
    }

    /**
     * q·f(p/q) = (p^{1−α}·q^α − (1 − α)·p − α·q)/(α(α − 1)), the power term as exp((1 − α)·log p +
     * α·log q) (exponent clamped: it is unbounded only for α > 1). At α = 1 the limit
     * q·(log q − log p) + p − q (forward KL plus a term that sums to 0). Near α = 1 the numerator
     * cancels: about log10(1/|1 − α|) digits are lost.
     */
    @Override
    public NDArray pointwise(NDArray logP, NDArray logQ) {
        NDArray p = logP.exp();
        NDArray q = logQ.exp();
        if (alpha == 1) {
            return q.mul(logQ.sub(logP)).add(p.sub(q));
        }
        NDArray power = ExpClamp.exp(Constants.times(logP, 1 - alpha).add(Constants.times(logQ, alpha)));
        return Constants.dividedBy(power.sub(Constants.times(p, 1 - alpha)).sub(Constants.times(q, alpha)), alpha * (alpha - 1));
    }
}
