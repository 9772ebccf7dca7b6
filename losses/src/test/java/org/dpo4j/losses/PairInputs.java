package org.dpo4j.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;

/**
 * Sequence-level inputs of B pairs from plain numbers, for hand-derived tests: summed log-probs
 * and token counts per side; the policy's sums and means are gradient leaves.
 */
record PairInputs(
        SequenceLogProbs policyChosen,
        SequenceLogProbs policyRejected,
        SequenceLogProbs referenceChosen,
        SequenceLogProbs referenceRejected) {

    /** Every row has {@code tokens} scored tokens. */
    static PairInputs of(NDManager manager, DataType type, double tokens,
            double[] pc, double[] pr, double[] rc, double[] rr) {
        double[] counts = new double[pc.length];
        Arrays.fill(counts, tokens);
        return new PairInputs(
                seq(manager, type, pc, counts, true),
                seq(manager, type, pr, counts, true),
                seq(manager, type, rc, counts, false),
                seq(manager, type, rr, counts, false));
    }

    /** Sums with their counts; mean = sum / count; sum and mean are leaves if {@code policy}. */
    static SequenceLogProbs seq(NDManager manager, DataType type, double[] sums, double[] counts, boolean policy) {
        double[] means = new double[sums.length];
        for (int i = 0; i < sums.length; i++) {
            means[i] = sums[i] / Math.max(counts[i], 1);
        }
        NDArray sum = manager.create(sums).toType(type, false);
        NDArray mean = manager.create(means).toType(type, false);
        if (policy) {
            sum.setRequiresGradient(true);
            mean.setRequiresGradient(true);
        }
        return new SequenceLogProbs(sum, mean, manager.create(counts).toType(type, false));
    }

    LossInputs inputs() {
        return new LossInputs(policyChosen, policyRejected, referenceChosen, referenceRejected);
    }

    /** With TDPO's sequence KLs (leaves are the caller's business). */
    LossInputs inputs(NDArray chosenKl, NDArray rejectedKl) {
        return new LossInputs(policyChosen, policyRejected, referenceChosen, referenceRejected, chosenKl, rejectedKl, null);
    }

    /** Runs a loss with gradient recording and back-propagates its scalar. */
    LossOutput backward(PreferenceLoss loss) {
        return Autograd.backward(() -> loss.compute(inputs()), LossOutput::loss);
    }

    double[] gradChosen() {
        return Autograd.doubles(Autograd.gradient(policyChosen.sum()));
    }

    double[] gradRejected() {
        return Autograd.doubles(Autograd.gradient(policyRejected.sum()));
    }
}
