package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * H-DPO, entropy-controllable DPO, of Omura et al. 2024, "Entropy Controllable Direct Preference
 * Optimization" (arXiv 2411.07595): replacing the reverse-KL regulariser of the RLHF objective
 * by KL − (1 − α)·H(π) (entropy weight α) changes DPO's implicit reward from β·log(π/π_ref) to
 * β·(α·log π − log π_ref), i.e. α multiplies the policy log-probs. α &lt; 1 sharpens the policy
 * (lower entropy), α = 1 is DPO exactly.
 *
 * <pre>
 *   z      = α·(log π(y_w|x) − log π(y_l|x)) − (log π_ref(y_w|x) − log π_ref(y_l|x))   (sums)
 *   loss   = −log σ(β·z) = softplus(−β·z)
 *   reward = β·(α·log π(y|x) − log π_ref(y|x))             (detached; the H-DPO implicit reward)
 * </pre>
 *
 * Derived from the paper's objective (no official code); matches the golden vectors. The plain
 * DPO rewards β·(log π − log π_ref) are reported as the extra metrics
 * {@code rewards_plain/chosen} and {@code rewards_plain/rejected}. Finite for any |β·z|.
 *
 * @param beta  β > 0 (default 0.1)
 * @param alpha α > 0, the weight of the policy log-probs (default 0.95; 1 = DPO)
 */
public record HDpoLoss(double beta, double alpha) implements PreferenceLoss {

    public HDpoLoss {
        LossTerms.checkBeta(beta);
        LossTerms.checkPositive("alpha", alpha);
    }

    @Override
    public String name() {
        return "hdpo";
    }

    @Override
    public LossOutput compute(LossInputs in) {
        NDArray pc = in.policyChosen().sum();
        NDArray pr = in.policyRejected().sum();
        NDArray rc = in.referenceChosen().sum();
        NDArray rr = in.referenceRejected().sum();
        NDArray a = Constants.scalar(pc, alpha);
        NDArray b = Constants.scalar(pc, beta);
        NDArray z = pc.sub(pr).mul(a).sub(rc.sub(rr));
        NDArray pairLosses = StableMath.softplus(z.mul(b).neg());
        return LossTerms.output(
                pairLosses,
                pc.mul(a).sub(rc).mul(b),
                pr.mul(a).sub(rr).mul(b),
                Map.of("rewards_plain/chosen", pc.sub(rc).mul(b),
                        "rewards_plain/rejected", pr.sub(rr).mul(b)));
    }
}
