package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;
import java.util.Map;
import java.util.Objects;

/**
 * TDPO: Token-level Direct Preference Optimization (Zeng et al. 2024, ICML, arXiv 2404.11999),
 * DPO's reward difference corrected by the difference of the sequential forward KL
 * D_SeqKL(x, y; π_ref ‖ π) = Σ_t KL(π_ref(·|x, y_&lt;t) ‖ π(·|x, y_&lt;t)), over the full vocabulary
 * and the completion's scored positions ({@link SequenceStats#tokenKl}).
 *
 * <p>The paper's terms (§4, "TDPO" objective and its two losses), with mc, mr the summed log-prob
 * margins and kc, kr the sequence KLs of the chosen (y_w) and rejected (y_l) completions:
 *
 * <pre>
 *   mc = Σ_t (log π − log π_ref)(y_w,t),  mr likewise      u  = β·(mc − mr)
 *   kc = D_SeqKL(x, y_w; π_ref ‖ π),       kr likewise      δ  = β·(kr − kc)
 *                                                            δ₂ = β·kr − sg(β·kc)
 *   TDPO1:  L = −log σ(u − δ)   = softplus(−β·((mc − mr) − (kr − kc)))
 *   TDPO2:  L = −log σ(u − α·δ₂) = softplus(−β·((mc − mr) − α·(kr − sg(kc))))
 *   rewards: β·(mc + kc), β·(mr + kr)      (detached; the reference code's chosen/rejected values)
 * </pre>
 *
 * sg is stop-gradient: TDPO2 detaches the chosen sequence KL only, so kc gets no gradient and the
 * chosen side's logits are pushed by mc alone, while kr keeps its gradient. TDPO1 ignores α. This
 * is the reference implementation's {@code tdpo_loss} (Vance0124/Token-level-Direct-Preference-
 * Optimization, trainers.py). <b>The default variant is TDPO2</b> ({@link #DEFAULT_VARIANT}, with
 * α = 0.5, β = 0.1, as in the reference code's config). Metrics: {@code kl/chosen} = kc,
 * {@code kl/rejected} = kr (detached).
 *
 * <p>Invariants: with policy = reference, mc = mr = kc = kr = 0 and the loss is ln 2; TDPO2 with
 * α = 0 is DPO exactly.
 *
 * <p><b>Extension beyond the paper: a token-level f-divergence.</b> {@code tokenDivergence} names
 * the per-token constraint D_f(π(·|t) ‖ π_ref(·|t)) that the trainer sums into kc and kr
 * ({@link SequenceStats#tokenDivergence}). The default, {@link ForwardKl} (f(u) = −log u), is the
 * paper's KL(π_ref ‖ π) exactly ({@link SequenceStats#tokenKl}); any other {@link Divergence}
 * replaces it in δ and δ₂ (e.g. {@link JensenShannon}, bounded by log 2 per token). The paper's
 * derivation (the Bellman/Regret-Preference-Model argument that turns the per-token KL into δ) is
 * for KL only, so other divergences are a heuristic, not a theorem. The loss itself reads kc, kr
 * from {@link LossInputs} whatever divergence produced them.
 *
 * @param beta            β > 0
 * @param alpha           α ≥ 0, the weight of δ₂ in TDPO2 (ignored by TDPO1)
 * @param variant         TDPO1 or TDPO2
 * @param tokenDivergence the per-token divergence D_f(π ‖ π_ref) that the trainer must compute for
 *                        {@link LossInputs#chosenTokenKl}/{@link LossInputs#rejectedTokenKl};
 *                        {@link ForwardKl} (the paper's KL(π_ref ‖ π)) by default
 */
public record TdpoLoss(double beta, double alpha, TdpoVariant variant, Divergence tokenDivergence)
        implements PreferenceLoss {

    /** The default variant, TDPO2 (the one the paper recommends and its code defaults to). */
    public static final TdpoVariant DEFAULT_VARIANT = TdpoVariant.TDPO2;

    /** The default α of TDPO2, 0.5 (the reference code's default). */
    public static final double DEFAULT_ALPHA = 0.5;

    public TdpoLoss {
        LossTerms.checkBeta(beta);
        LossTerms.checkNonNegative("alpha", alpha);
        Objects.requireNonNull(variant, "variant");
        Objects.requireNonNull(tokenDivergence, "tokenDivergence");
    }

    /** The paper's TDPO: per-token KL(π_ref ‖ π). */
    public TdpoLoss(double beta, double alpha, TdpoVariant variant) {
        this(beta, alpha, variant, new ForwardKl());
    }

    /** TDPO2 (the default variant) with the given β and α, per-token KL(π_ref ‖ π). */
    public TdpoLoss(double beta, double alpha) {
        this(beta, alpha, DEFAULT_VARIANT);
    }

    @Override
    public String name() {
        return "tdpo";
    }

    @Override
    public LossRequirements requirements() {
        return LossRequirements.withTokenDivergence(tokenDivergence);
    }

    @Override
    public LossOutput compute(LossInputs in) {
        NDArray chosenKl = Objects.requireNonNull(in.chosenTokenKl(),
                "TDPO needs LossInputs.chosenTokenKl (requirements().tokenKl() is true)");
        NDArray rejectedKl = Objects.requireNonNull(in.rejectedTokenKl(),
                "TDPO needs LossInputs.rejectedTokenKl (requirements().tokenKl() is true)");
        LogRatios margins = LogRatios.of(in, beta); // mc = sc, mr = sr
        NDArray z = switch (variant) {
            case TDPO1 -> margins.margin().sub(rejectedKl.sub(chosenKl));
            case TDPO2 -> margins.margin().sub(Constants.times(rejectedKl.sub(chosenKl.stopGradient()), alpha));
        };
        NDArray pairLosses = LossTerms.smoothedLogistic(z.mul(margins.beta()), 0);
        return LossTerms.output(
                pairLosses,
                margins.chosen().add(chosenKl).mul(margins.beta()),
                margins.rejected().add(rejectedKl).mul(margins.beta()),
                Map.of("kl/chosen", chosenKl, "kl/rejected", rejectedKl));
    }
}
