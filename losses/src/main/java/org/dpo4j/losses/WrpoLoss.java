package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;
import java.util.Map;
import java.util.Objects;

/**
 * WRPO: weighted-reward preference optimization for implicit model fusion (Yang et al. 2025,
 * "Weighted-Reward Preference Optimization for Implicit Model Fusion", ICLR, arXiv 2412.03187), as
 * the official trainer computes it (SLIT-AI/WRPO, {@code WRPOTrainer.wrpo_loss}). Each prompt has a
 * source model's chosen completion y_ws, the target model's chosen y_wt and rejected y_l.
 *
 * <pre>
 *   s_y  = log π(y|x) − log π_ref(y|x)       (summed)
 *   WRPO:     z = α·s_ws + (1 − α)·s_wt − s_l
 *             loss = (1 − ε)·softplus(−β·z) + ε·softplus(β·z)
 *             rewards: β·(α·s_ws + (1 − α)·s_wt), β·s_l
 *   sigmoid:  loss = ½·[ℓ(s_ws − s_l) + ℓ(s_wt − s_l)] with ℓ(h) = (1 − ε)·softplus(−β·h) + ε·softplus(β·h)
 *             rewards: β·(s_ws + s_wt)/2, β·s_l
 * </pre>
 *
 * α ramps up linearly from 0 to its value over the first {@code alphaWarmupSteps} optimizer steps, as
 * the official trainer does ({@link #atStep}: α_t = α·min(1, t / warm-up); no ramp when the warm-up
 * is 0). Metrics: {@code rewards/source_chosen} = β·s_ws, {@code rewards/target_chosen} = β·s_wt.
 *
 * @param beta             β > 0 (official default 0.01)
 * @param alpha            α in [0, 1], the weight of the source model's answer at the end of the ramp
 * @param labelSmoothing   ε in [0, 0.5]
 * @param variant          WRPO or the two-term sigmoid loss
 * @param alphaWarmupSteps optimizer steps over which α ramps from 0 (0: α from the start)
 * @param currentAlpha     the α of the current step (α itself until {@link #atStep} sets it)
 */
public record WrpoLoss(
        double beta, double alpha, double labelSmoothing, WrpoVariant variant, long alphaWarmupSteps, double currentAlpha)
        implements PreferenceLoss {

    public WrpoLoss {
        LossTerms.checkBeta(beta);
        if (!(alpha >= 0 && alpha <= 1) || !(currentAlpha >= 0 && currentAlpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in [0, 1], got " + alpha);
        }
        LossTerms.checkLabelSmoothing(labelSmoothing);
        Objects.requireNonNull(variant, "variant");
        if (alphaWarmupSteps < 0) {
            throw new IllegalArgumentException("alpha_warmup_steps must be >= 0, got " + alphaWarmupSteps);
        }
    }

    /** A WRPO loss at its full α (no ramp). */
    public WrpoLoss(double beta, double alpha, double labelSmoothing, WrpoVariant variant) {
        this(beta, alpha, labelSmoothing, variant, 0, alpha);
    }

    @Override
    public String name() {
        return "wrpo";
    }

    @Override
    public LossRequirements requirements() {
        return LossRequirements.ofCompletions(Completions.SOURCE_CHOSEN_AND_PAIRS);
    }

    /** This loss with α_t = α·min(1, step / alphaWarmupSteps) (α when there is no warm-up). */
    @Override
    public PreferenceLoss atStep(long step) {
        double ramp = alphaWarmupSteps == 0 ? 1 : Math.min(1.0, Math.max(0, step) / (double) alphaWarmupSteps);
        return new WrpoLoss(beta, alpha, labelSmoothing, variant, alphaWarmupSteps, alpha * ramp);
    }

    @Override
    public LossOutput compute(LossInputs in) {
        SequenceLogProbs source = Objects.requireNonNull(in.policySourceChosen(), "WRPO needs LossInputs.policySourceChosen");
        SequenceLogProbs sourceReference = Objects.requireNonNull(in.referenceSourceChosen(),
                "WRPO needs LossInputs.referenceSourceChosen");
        NDArray sourceRatio = source.sum().sub(sourceReference.sum());
        LogRatios target = LogRatios.of(in, beta);
        NDArray b = target.beta();
        NDArray chosen;
        NDArray pairLosses;
        switch (variant) {
            case WRPO -> {
                chosen = Constants.times(sourceRatio, currentAlpha).add(Constants.times(target.chosen(), 1 - currentAlpha));
                pairLosses = LossTerms.smoothedLogistic(chosen.sub(target.rejected()).mul(b), labelSmoothing);
            }
            case SIGMOID -> {
                chosen = Constants.times(sourceRatio.add(target.chosen()), 0.5);
                NDArray fromSource = LossTerms.smoothedLogistic(sourceRatio.sub(target.rejected()).mul(b), labelSmoothing);
                NDArray fromTarget = LossTerms.smoothedLogistic(target.margin().mul(b), labelSmoothing);
                pairLosses = Constants.times(fromSource.add(fromTarget), 0.5);
            }
            default -> throw new IllegalStateException(String.valueOf(variant));
        }
        return LossTerms.output(pairLosses, chosen.mul(b), target.rejectedReward(), Map.of(
                "rewards/source_chosen", sourceRatio.mul(b),
                "rewards/target_chosen", target.chosenReward()));
    }
}
