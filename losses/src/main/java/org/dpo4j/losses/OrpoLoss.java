package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import java.util.Map;
import java.util.Objects;

/**
 * ORPO: Monolithic Preference Optimization without Reference Model (Hong et al. 2024, arXiv
 * 2403.07691), §3: the odds, the odds ratio OR, L_OR and L_ORPO = L_SFT + λ·L_OR, as TRL's
 * {@code ORPOTrainer} computes them. No reference model.
 *
 * <pre>
 *   P(y|x)   = exp(mean_t log π(y_t|x, y_&lt;t))        length-normalised likelihood (§3)
 *   odds(y)  = P/(1 − P)
 *   log OR   = log odds(y_w) − log odds(y_l)
 *            = (a_w − a_l) − (log(1 − e^{a_w}) − log(1 − e^{a_l})),   a = mean log-prob ≤ 0
 *   L_OR     = −log σ(log OR) = softplus(−log OR)
 *   pair loss = λ·L_OR
 *   loss     = L_SFT + λ·mean(L_OR)
 *   L_SFT    = −Σ_b Σ_{t≥1, attended} log π(x_t|x_&lt;t) / Σ_b #(attended t ≥ 1)   (chosen rows)
 *   rewards  = λ·a_w, λ·a_l                                                   (detached, as TRL)
 * </pre>
 *
 * β is ORPO's λ (TRL's {@code ORPOConfig.beta}; "alpha" in the authors' code). L_SFT is TRL's
 * token-mean cross-entropy of the chosen rows over every attended token after the first, prompt
 * included ({@link LossInputs#policyChosenAttended}); it is not in {@code pairLosses}.
 *
 * <p>Numerics: log(1 − e^a) is a two-branch log1mexp (Mächler 2012): for a &lt; −ln 2,
 * log1p(−e^a), with log1p computed as log(w) + (x − (w − 1))/w, w = 1 + x (one correction step,
 * exact to rounding, and its autograd derivative ≈ 1/(1 + x)); for −ln 2 ≤ a &lt; 0,
 * log(−expm1(a)) with expm1(a) = 2t/(1 − t), t = tanh(a/2), which keeps full relative accuracy
 * as a → 0⁻. Each branch only sees arguments from its own range, so the unselected branch is
 * finite and its zero gradient stays zero. a is clamped at −1e−37 (a mean log-prob of 0, i.e. a
 * row with no scored token or probability exactly 1, would give an infinite log-odds). Metrics
 * (TRL's names): {@code log_odds_ratio} = log σ(log OR), {@code log_odds_chosen} = log OR and
 * {@code nll_loss} = L_SFT (the batch value, repeated per pair).
 *
 * @param beta λ ≥ 0 (TRL default 0.1); λ = 0 leaves plain SFT on the attended chosen tokens
 */
public record OrpoLoss(double beta) implements PreferenceLoss {

    /** The largest mean log-prob used in log(1 − e^a); the log-odds stay finite. */
    static final double MAX_MEAN_LOGP = -1e-37;

    private static final double LN2 = Math.log(2);

    public OrpoLoss {
        LossTerms.checkNonNegative("beta", beta);
    }

    @Override
    public String name() {
        return "orpo";
    }

    @Override
    public LossRequirements requirements() {
        return LossRequirements.POLICY_WITH_ATTENDED;
    }

    @Override
    public LossOutput compute(LossInputs in) {
        SequenceLogProbs attended = Objects.requireNonNull(in.policyChosenAttended(),
                "ORPO needs LossInputs.policyChosenAttended (requirements().attendedChosenLogProbs() is true)");
        NDArray chosen = in.policyChosen().mean().clip(Double.NEGATIVE_INFINITY, MAX_MEAN_LOGP);
        NDArray rejected = in.policyRejected().mean().clip(Double.NEGATIVE_INFINITY, MAX_MEAN_LOGP);
        NDArray logOdds = chosen.sub(rejected).sub(log1mexp(chosen).sub(log1mexp(rejected)));
        NDArray orLosses = StableMath.softplus(logOdds.neg());
        NDArray pairLosses = Constants.times(orLosses, beta);
        NDArray nll = SftLoss.nll(attended);
        NDArray loss = nll.add(pairLosses.mean());
        NDArray ones = pairLosses.onesLike().stopGradient();
        return new LossOutput(
                loss,
                pairLosses,
                Constants.times(in.policyChosen().mean(), beta).stopGradient(),
                Constants.times(in.policyRejected().mean(), beta).stopGradient(),
                Map.of("log_odds_ratio", orLosses.neg().stopGradient(),
                        "log_odds_chosen", logOdds.stopGradient(),
                        "nll_loss", ones.mul(nll.stopGradient())));
    }

    /**
     * log(1 − e^a) for a &lt; 0, accurate in both regimes (see the class comment).
     *
     * @param a any shape, all entries &lt; 0
     * @return log(1 − e^a), same shape
     */
    static NDArray log1mexp(NDArray a) {
        // a < −ln 2: log1p(−e^a), e^a < 1/2.
        // clip, not minimum/maximum: the engine's clamp passes the whole gradient at the bound,
        // where minimum/maximum would split it between the two arguments at a = −ln 2.
        NDArray far = a.clip(Double.NEGATIVE_INFINITY, -LN2);
        NDArray x = far.exp().neg();
        NDArray w = x.add(1);
        NDArray farValue = w.log().add(x.sub(w.sub(1)).div(w));
        // −ln 2 ≤ a < 0: log(−expm1(a)), −expm1(a) = −2t/(1 − t), t = tanh(a/2) ∈ (−1/3, 0).
        NDArray near = a.clip(-LN2, 0);
        NDArray t = Constants.dividedBy(near, 2).tanh();
        NDArray nearValue = Constants.times(t, -2).div(t.neg().add(1)).log();
        return NDArrays.where(a.lt(-LN2), farValue, nearValue);
    }
}
