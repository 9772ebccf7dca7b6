package org.dpo4j.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Properties of DPO that hold for any input, with their derivations. */
class LossInvariantsTest {

    /**
     * Policy == reference. Both sides' log-probs come from the same deterministic computation on
     * bitwise-equal logits, so pc − rc = 0 and pr − rr = 0 exactly; then h = 0, β·h = 0 and
     * loss = softplus(−0) = log(1 + e⁰) = ln 2 for every pair and every β, and the rewards
     * β·(pc − rc) = β·(pr − rr) are exactly 0.
     */
    @ParameterizedTest
    @EnumSource(Precision.class)
    void policyEqualToReferenceGivesLn2AndZeroRewards(Precision precision) {
        RandomBatch chosen = RandomBatch.of(11, 7, 11, 2, 3, 5, 1, 4);
        RandomBatch rejected = RandomBatch.of(12, 7, 11, 3, 4, 2, 3, 1);
        double ln2 = precision == Precision.FLOAT32 ? (float) Math.log(2) : Math.log(2);
        for (double beta : new double[] {0.1, 0.5, 2.0}) {
            try (NDManager manager = NDManager.newBaseManager()) {
                LossOutput out = new DpoSigmoidLoss(beta).compute(new LossInputs(
                        logProbs(manager, chosen, precision.type),
                        logProbs(manager, rejected, precision.type),
                        logProbs(manager, chosen, precision.type),
                        logProbs(manager, rejected, precision.type)));
                for (double loss : Autograd.doubles(out.pairLosses())) {
                    assertEquals(ln2, loss, 0.0, "pair loss at beta " + beta);
                }
                assertEquals(ln2, Autograd.doubles(out.loss())[0], 0.0, "mean loss at beta " + beta);
                assertAllZero(out.chosenRewards(), "chosen rewards");
                assertAllZero(out.rejectedRewards(), "rejected rewards");
            }
        }
    }

    /**
     * float32 at β·h = ±1000 (β = 0.5, B = 2). Pair 0: pc = −5, rc = −1005, pr = −1005, rr = −5, so
     * sc = 1000, sr = −1000, h = 2000, β·h = +1000; pair 1 swaps chosen and rejected: β·h = −1000.
     * All inputs are exact in float32.
     *
     * <pre>
     *   loss_b = softplus(−β·h_b):   pair 0: log(1 + e^−1000) ≈ e^−1000 → 0 (finite, ≥ 0)
     *                                pair 1: 1000 + log(1 + e^−1000) = 1000
     *   mean   = (0 + 1000) / 2 = 500
     *   ∂mean/∂pc_b = −(β/B)·σ(−β·h_b):  pair 0: −0.25·σ(−1000) ≈ 0;  pair 1: −0.25·σ(1000) = −β/B
     *   ∂mean/∂pr_b = +(β/B)·σ(−β·h_b):  pair 0: ≈ 0;                  pair 1: +β/B
     *   rewards: chosen β·sc = (500, −500), rejected β·sr = (−500, 500)
     * </pre>
     *
     * A naive −log(σ(x)) is inf at pair 1 (σ(−1000) = 0 in float32, log 0 = −inf).
     */
    @Test
    void float32IsStableAtMarginsOf1000() {
        double beta = 0.5;
        double pairs = 2;
        try (NDManager manager = NDManager.newBaseManager()) {
            SequenceLogProbs policyChosen = seq(manager, new double[] {-5, -1005}, true);
            SequenceLogProbs policyRejected = seq(manager, new double[] {-1005, -5}, true);
            SequenceLogProbs refChosen = seq(manager, new double[] {-1005, -5}, false);
            SequenceLogProbs refRejected = seq(manager, new double[] {-5, -1005}, false);
            LossOutput out = Autograd.backward(
                    () -> new DpoSigmoidLoss(beta).compute(
                            new LossInputs(policyChosen, policyRejected, refChosen, refRejected)),
                    LossOutput::loss);

            NDArray[] everything = {out.loss(), out.pairLosses(), out.chosenRewards(), out.rejectedRewards(),
                Autograd.gradient(policyChosen.sum()), Autograd.gradient(policyRejected.sum()),
                Autograd.gradient(policyChosen.mean()), Autograd.gradient(policyRejected.mean())};
            for (NDArray a : everything) {
                double[] x = Autograd.doubles(a);
                assertTrue(Arrays.stream(x).allMatch(Double::isFinite), "non-finite: " + Arrays.toString(x));
            }
            double[] losses = Autograd.doubles(out.pairLosses());
            double[] gradChosen = Autograd.doubles(Autograd.gradient(policyChosen.sum()));
            double[] gradRejected = Autograd.doubles(Autograd.gradient(policyRejected.sum()));
            assertTrue(losses[0] >= 0 && losses[0] < 1e-30, "loss at +1000: " + losses[0]);
            assertEquals(1000.0, losses[1], 0.0, "loss at -1000");
            assertEquals(500.0, Autograd.doubles(out.loss())[0], 0.0, "mean loss");
            assertEquals(0.0, gradChosen[0], 1e-30, "d mean / d policy chosen at +1000");
            assertEquals(0.0, gradRejected[0], 1e-30, "d mean / d policy rejected at +1000");
            assertEquals(-beta / pairs, gradChosen[1], 1e-7, "d mean / d policy chosen at -1000");
            assertEquals(beta / pairs, gradRejected[1], 1e-7, "d mean / d policy rejected at -1000");
            assertArrayEquals(new double[] {500, -500}, Autograd.doubles(out.chosenRewards()), 0.0);
            assertArrayEquals(new double[] {-500, 500}, Autograd.doubles(out.rejectedRewards()), 0.0);
        }
    }

    private static SequenceLogProbs logProbs(NDManager manager, RandomBatch batch, DataType type) {
        return SequenceStats.logProbs(batch.logits(manager, type), batch.ids(manager), batch.mask(manager));
    }

    /** float32 sequence stats with 4 tokens per row; the policy's sum and mean are leaves. */
    private static SequenceLogProbs seq(NDManager manager, double[] sums, boolean policy) {
        double[] means = Arrays.stream(sums).map(s -> s / 4).toArray();
        double[] counts = new double[sums.length];
        Arrays.fill(counts, 4);
        NDArray sum = manager.create(sums).toType(DataType.FLOAT32, false);
        NDArray mean = manager.create(means).toType(DataType.FLOAT32, false);
        if (policy) {
            sum.setRequiresGradient(true);
            mean.setRequiresGradient(true);
        }
        return new SequenceLogProbs(sum, mean, manager.create(counts).toType(DataType.FLOAT32, false));
    }

    private static void assertAllZero(NDArray array, String what) {
        for (double x : Autograd.doubles(array)) {
            assertTrue(x == 0.0, what + " should be exactly 0: " + Arrays.toString(Autograd.doubles(array)));
        }
    }
}
