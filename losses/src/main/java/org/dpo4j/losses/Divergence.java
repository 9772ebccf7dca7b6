package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * An f-divergence constraint for f-DPO (Wang et al. 2023, "Beyond Reverse KL: Generalizing Direct
 * Preference Optimization with Diverse Divergence Constraints", arXiv 2309.16240).
 *
 * <p>RLHF with the constraint β·D_f(π ‖ π_ref), D_f(p ‖ q) = E_q[f(p/q)] for a convex f with
 * f(1) = 0, has an optimal policy with a closed-form reward r(x, y) = β·f'(π(y|x)/π_ref(y|x)) + const
 * (the normaliser cancels in the Bradley–Terry difference) when, by the paper's Theorem 1,
 * <b>f' is invertible and 0 is not in the domain of f'</b> (so the KKT multipliers of the
 * constraints π(y|x) ≥ 0 vanish). f-DPO's loss is then
 *
 * <pre>
 *   loss = −log σ( β·f'(π(y_w|x)/π_ref(y_w|x)) − β·f'(π(y_l|x)/π_ref(y_l|x)) )
 * </pre>
 *
 * A {@code Divergence} maps the sequence log-ratio s = log π(y|x) − log π_ref(y|x) to its
 * <em>score</em> ψ(s) = f'(e^s) − c_f, where the constant c_f (stated by each implementation) is
 * dropped because it cancels in ψ(s_w) − ψ(s_l); dropping it also makes reverse KL's score the
 * identity, so that f-DPO with reverse KL is DPO exactly. Scores with an exponential clamp their
 * exponent ({@link ExpClamp}), so that they are finite for any finite s.
 *
 * <p>Accepted: the {@link DivergenceKind}s, {@code reverse_kl} (DPO), {@code forward_kl},
 * {@code js}, {@code alpha} (the paper's α), and, beyond the paper's table, {@code jeffreys},
 * {@code squared_hellinger} and {@code neyman_chi_squared}, each meeting the condition above
 * (f'' > 0 on (0, ∞), so f' is strictly increasing, hence invertible; f'(u) → −∞ as u → 0⁺, so 0
 * is not in its domain). {@link DivergenceKind#named} refuses, with the reason, divergences that
 * break it (Pearson χ², total variation, Le Cam).
 *
 * <p>Adding a divergence: one record implementing this interface (f, f', the score, c_f, the
 * perspective q·f(p/q) and the condition in its Javadoc) in the {@code permits} list, its constant
 * in {@link DivergenceKind}, and a row in {@code DivergenceTest.cases()} and
 * {@code TokenDivergenceTest.cases()}.
 */
public sealed interface Divergence
        permits ReverseKl, ForwardKl, JensenShannon, AlphaDivergence, Jeffreys, SquaredHellinger, NeymanChiSquared {

    /** The names {@link #named} accepts, as config values ({@code loss.divergence}). */
    public static final List<String> NAMES = ConfigChoice.configNames(DivergenceKind.class);

    /** The config name of this divergence, one of {@link #NAMES}. */
    String name();

    /**
     * The f-DPO score ψ(s) = f'(e^s) − c_f of log-ratios s = log(π/π_ref), elementwise; f-DPO's
     * logit is ψ(s_w) − ψ(s_l). Differentiable in s; finite for any finite s.
     *
     * @param logRatio s, any shape, floating point
     * @return ψ(s), same shape and type
     */
    NDArray score(NDArray logRatio);

    /**
     * One vocabulary entry's term q·f(p/q) of D_f(P ‖ Q) = Σ_v q(v)·f(p(v)/q(v)), from log p and
     * log q (the perspective of f), elementwise. Used for a token-level constraint (TDPO's extension,
     * {@link SequenceStats#tokenDivergence}) with P = π(·|t) and Q = π_ref(·|t): {@link ForwardKl}
     * gives q·(log q − log p), TDPO's KL(π_ref ‖ π). Each implementation computes it in log space
     * from bounded quantities (p, q ≤ 1), clamping an exponent only where the divergence itself is
     * unbounded. The sum over a full vocabulary is ≥ 0 (Jensen: f convex, f(1) = 0); single
     * terms may be negative.
     *
     * @param logP log p, any shape, floating point (log-probabilities, ≤ 0)
     * @param logQ log q, same shape
     * @return q·f(p/q), same shape
     */
    NDArray pointwise(NDArray logP, NDArray logQ);

    /**
     * The divergence a name means: {@link DivergenceKind#named} then {@link DivergenceKind#create}.
     *
     * @param name  one of {@link #NAMES}
     * @param alpha the paper's α, used by {@code alpha} only (must then be finite and > 0)
     * @return the divergence
     * @throws IllegalArgumentException for a divergence that does not meet f-DPO's condition
     *     (saying why), for an unknown name (listing the allowed ones), or for a bad α
     */
    static Divergence named(String name, double alpha) {
        return DivergenceKind.named(name).create(alpha);
    }
}
