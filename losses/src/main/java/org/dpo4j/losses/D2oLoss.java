package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;
import java.util.Map;
import java.util.Objects;

/**
 * D2O: distributional dispreference optimization (Duan et al. 2024, "Negating Negatives: Alignment
 * with Human Negative Samples via Distributional Dispreference Optimization", arXiv 2403.03419, the
 * D2O loss), which learns from dispreferred answers only: each prompt has one dispreferred
 * completion y_l and K samples y_1..y_K of the reference model, which stand in for the preferred
 * side.
 *
 * <pre>
 *   s_y  = log π(y|x) − log π_ref(y|x)          (summed over the completion's tokens)
 *   z    = (β/K)·Σ_i s_{y_i} − α·s_{y_l}
 *   loss = −log σ(z) = softplus(−z)
 *   rewards: chosen = (β/K)·Σ_i s_{y_i},  rejected = α·s_{y_l}        (detached: the two terms of z)
 * </pre>
 *
 * The paper has two reference roles (π_r− for the samples, π_r+ for y_l); both are the one reference
 * model here. No official code exists; this is the paper's equation. Metrics:
 * {@code rewards/samples} = β·mean_i s_{y_i}, {@code rewards/negative} = β·s_{y_l}.
 *
 * @param beta  β > 0, the samples' weight (default 0.1)
 * @param alpha α > 0, the dispreferred answer's weight (default 0.1)
 */
public record D2oLoss(double beta, double alpha) implements PreferenceLoss {

    public D2oLoss {
        LossTerms.checkBeta(beta);
        LossTerms.checkPositive("alpha", alpha);
    }

    @Override
    public String name() {
        return "d2o";
    }

    @Override
    public LossRequirements requirements() {
        return LossRequirements.ofCompletions(Completions.REJECTED_AND_SAMPLES);
    }

    @Override
    public LossOutput compute(LossInputs in) {
        SequenceLogProbs policySamples = Objects.requireNonNull(in.policySamples(), "D2O needs LossInputs.policySamples");
        SequenceLogProbs referenceSamples = Objects.requireNonNull(in.referenceSamples(),
                "D2O needs LossInputs.referenceSamples");
        NDArray samples = policySamples.sum().sub(referenceSamples.sum()); // (B, K)
        NDArray negative = in.policyRejected().sum().sub(in.referenceRejected().sum());
        NDArray meanSample = samples.mean(new int[] {1});
        NDArray chosenTerm = Constants.times(meanSample, beta);
        NDArray rejectedTerm = Constants.times(negative, alpha);
        NDArray pairLosses = StableMath.softplus(rejectedTerm.sub(chosenTerm));
        return LossTerms.output(pairLosses, chosenTerm, rejectedTerm, Map.of(
                "rewards/samples", Constants.times(meanSample, beta),
                "rewards/negative", Constants.times(negative, beta)));
    }
}
