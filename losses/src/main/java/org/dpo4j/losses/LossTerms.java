package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Building blocks shared by the sequence-level preference losses: the length-normalised margin,
 * stable sigmoid terms, argument checks and the usual {@link LossOutput}. The summed log-ratios
 * and implicit rewards are {@link LogRatios}; scalars are {@link Constants}.
 */
final class LossTerms {

    private LossTerms() {}

    /**
     * h_n = (pc_mean − rc_mean) − (pr_mean − rr_mean), the margin of the per-token mean
     * log-ratios (= sc/nc − sr/nr), shape (B).
     */
    static NDArray meanMargin(LossInputs in) {
        NDArray chosen = in.policyChosen().mean().sub(in.referenceChosen().mean());
        NDArray rejected = in.policyRejected().mean().sub(in.referenceRejected().mean());
        return chosen.sub(rejected);
    }

    /**
     * σ(x) = 1/(1 + e^{−x}) by the engine's kernel, which is exact in both tails (σ(−1000) = 0,
     * σ(1000) = 1, no overflow). Use {@code sigmoid(x.neg())} for 1 − σ(x), never {@code 1 − σ(x)}:
     * the subtraction loses every digit of σ(−x) once σ(x) rounds to 1.
     */
    static NDArray sigmoid(NDArray x) {
        return x.getNDArrayInternal().sigmoid();
    }

    /** max(x, 0), with gradient 1 where x > 0 and 0 elsewhere. */
    static NDArray relu(NDArray x) {
        return x.getNDArrayInternal().relu();
    }

    /**
     * The label-smoothed logistic loss (1 − ε)·softplus(−z) + ε·softplus(z)
     * = −(1 − ε)·log σ(z) − ε·log σ(−z); plain softplus(−z) when ε = 0. Finite for any z.
     */
    static NDArray smoothedLogistic(NDArray z, double labelSmoothing) {
        NDArray loss = StableMath.softplus(z.neg());
        if (labelSmoothing == 0) {
            return loss;
        }
        return Constants.times(loss, 1 - labelSmoothing).add(Constants.times(StableMath.softplus(z), labelSmoothing));
    }

    /** A loss whose back-propagated scalar is the mean of its per-pair losses; rewards detached. */
    static LossOutput output(NDArray pairLosses, NDArray chosenRewards, NDArray rejectedRewards) {
        return output(pairLosses, chosenRewards, rejectedRewards, Map.of());
    }

    /** As {@link #output(NDArray, NDArray, NDArray)}, with extra per-pair metrics (detached here). */
    static LossOutput output(
            NDArray pairLosses, NDArray chosenRewards, NDArray rejectedRewards, Map<String, NDArray> extras) {
        Map<String, NDArray> detached = new LinkedHashMap<>();
        extras.forEach((k, v) -> detached.put(k, v.stopGradient()));
        return new LossOutput(
                pairLosses.mean(), pairLosses, chosenRewards.stopGradient(), rejectedRewards.stopGradient(), detached);
    }

    /** Checks β: finite and > 0. */
    static void checkBeta(double beta) {
        checkPositive("beta", beta);
    }

    /** Checks a finite value > 0. */
    static void checkPositive(String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be a finite number > 0, got " + value);
        }
    }

    /** Checks a finite value ≥ 0. */
    static void checkNonNegative(String name, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be a finite number >= 0, got " + value);
        }
    }

    /** Checks a finite value. */
    static void checkFinite(String name, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be a finite number, got " + value);
        }
    }

    /** Checks a label-smoothing ε (the probability that a label is flipped): 0 ≤ ε ≤ 0.5. */
    static void checkLabelSmoothing(double labelSmoothing) {
        if (!(labelSmoothing >= 0 && labelSmoothing <= 0.5)) {
            throw new IllegalArgumentException(
                    "label_smoothing must be in [0, 0.5] (a label-flip probability), got " + labelSmoothing);
        }
    }
}
