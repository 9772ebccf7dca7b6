package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;

/**
 * The common start of the reference-based sequence losses: the summed log-ratios against the
 * reference, β, and DPO's implicit rewards. With pc/pr the policy and rc/rr the reference summed
 * log-probs of the chosen/rejected completions:
 *
 * <pre>
 *   sc = pc − rc,   sr = pr − rr,   h = sc − sr,   rewards β·sc, β·sr
 * </pre>
 *
 * @param chosen   sc, shape (B)
 * @param rejected sr, shape (B)
 * @param beta     β as a 0-d array of the log-probs' dtype, safe under autograd ({@link Constants})
 */
record LogRatios(NDArray chosen, NDArray rejected, NDArray beta) {

    /** The log-ratios of {@code in}, which must carry reference log-probs. */
    static LogRatios of(LossInputs in, double beta) {
        NDArray chosen = in.policyChosen().sum().sub(in.referenceChosen().sum());
        NDArray rejected = in.policyRejected().sum().sub(in.referenceRejected().sum());
        return new LogRatios(chosen, rejected, Constants.scalar(chosen, beta));
    }

    /** h = sc − sr, shape (B). */
    NDArray margin() {
        return chosen.sub(rejected);
    }

    /** β·h, the argument of DPO's sigmoid, shape (B). */
    NDArray scaledMargin() {
        return margin().mul(beta);
    }

    /** β·sc, shape (B). */
    NDArray chosenReward() {
        return chosen.mul(beta);
    }

    /** β·sr, shape (B). */
    NDArray rejectedReward() {
        return rejected.mul(beta);
    }

    /** The loss output for these pair losses, with the implicit rewards β·sc, β·sr (detached). */
    LossOutput output(NDArray pairLosses) {
        return LossTerms.output(pairLosses, chosenReward(), rejectedReward());
    }
}
