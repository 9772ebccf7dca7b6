package org.dpo4j.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;

/** ORPO's log1mexp and invariants (the golden vectors cover its values and gradients). */
class OrpoLossTest {

    private static final double[] A = {
        -1e-37, -1e-30, -1e-12, -1e-6, -1e-3, -0.1, -0.5, -0.6931, -Math.log(2), -0.6932, -0.7, -1, -3, -5,
        -20, -37, -50, -300, -700, -1000};

    /** log(1 − e^a) by Java's log1p/expm1 (correctly rounded to within 1 ulp), both regimes. */
    private static double reference(double a) {
        return a > -Math.log(2) ? Math.log(-Math.expm1(a)) : Math.log1p(-Math.exp(a));
    }

    /**
     * Relative error ≤ 1e−14 in float64 over a ∈ [−1000, −1e−37] (a naive log(1 − e^a) gives −inf
     * for a ≥ −1e−17 and 0 instead of −e^a below a ≈ −37), and ≤ 1e−6 in float32 where a is
     * representable. The derivative −e^a/(1 − e^a) = −1/expm1(−a) to 1e−12.
     */
    @Test
    void log1mexpIsAccurateInBothBranches() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray a = manager.create(A);
            a.setRequiresGradient(true);
            NDArray value = Autograd.backward(() -> OrpoLoss.log1mexp(a), NDArray::sum);
            double[] actual = Autograd.doubles(value);
            double[] grad = Autograd.doubles(Autograd.gradient(a));
            for (int i = 0; i < A.length; i++) {
                double expected = reference(A[i]);
                assertEquals(expected, actual[i], 1e-14 * Math.abs(expected), "log1mexp(" + A[i] + ")");
                double dExpected = -1 / Math.expm1(-A[i]);
                assertEquals(dExpected, grad[i], 1e-12 * Math.abs(dExpected), "d log1mexp at " + A[i]);
            }
            double[] single = Autograd.doubles(OrpoLoss.log1mexp(manager.create(A).toType(DataType.FLOAT32, false)));
            for (int i = 0; i < A.length; i++) {
                double a32 = (float) A[i];
                double expected = reference(a32);
                if (Double.isFinite(expected) && a32 > -87) { // e^a is a normal float
                    assertEquals(expected, single[i], 1e-6 * Math.abs(expected), "float32 log1mexp(" + A[i] + ")");
                } else {
                    assertTrue(Double.isFinite(single[i]), "float32 log1mexp(" + A[i] + ") = " + single[i]);
                }
            }
        }
    }

    /**
     * One pair by hand: a_w = −0.5, a_l = −2 (2 completion tokens each), attended chosen sum −9 over
     * 6 tokens, λ = 0.25:
     * log OR = (a_w − a_l) − (log(1 − e^{a_w}) − log(1 − e^{a_l})), L = 9/6 + λ·log(1 + e^{−log OR}),
     * rewards λ·a, and the metrics.
     */
    @Test
    void onePairByHand() {
        double lambda = 0.25;
        double aw = -0.5;
        double al = -2;
        double logOdds = (aw - al) - (Math.log(-Math.expm1(aw)) - Math.log(-Math.expm1(al)));
        try (NDManager manager = NDManager.newBaseManager()) {
            PairInputs in = PairInputs.of(manager, DataType.FLOAT64, 2, new double[] {2 * aw}, new double[] {2 * al},
                    new double[] {0}, new double[] {0});
            SequenceLogProbs attended = PairInputs.seq(manager, DataType.FLOAT64, new double[] {-9}, new double[] {6}, false);
            LossOutput out = new OrpoLoss(lambda).compute(new LossInputs(
                    in.policyChosen(), in.policyRejected(), null, null, null, null, attended));
            double or = Math.log1p(Math.exp(-logOdds));
            assertEquals(1.5 + lambda * or, Autograd.doubles(out.loss())[0], 1e-15);
            assertEquals(lambda * or, Autograd.doubles(out.pairLosses())[0], 1e-15);
            assertEquals(lambda * aw, Autograd.doubles(out.chosenRewards())[0], 1e-15);
            assertEquals(lambda * al, Autograd.doubles(out.rejectedRewards())[0], 1e-15);
            assertEquals(logOdds, Autograd.doubles(out.extraMetrics().get("log_odds_chosen"))[0], 1e-14);
            assertEquals(-or, Autograd.doubles(out.extraMetrics().get("log_odds_ratio"))[0], 1e-15);
            assertEquals(1.5, Autograd.doubles(out.extraMetrics().get("nll_loss"))[0], 1e-15);
        }
    }

    /**
     * Mean log-probs 0 (a row with no completion token, or probability 1), −1e−12, −1000 and the
     * golden L6's −40.005 / −0.005, in both precisions: loss and gradients finite (a = 0 is clamped
     * to −1e−37, where log(1 − e^a) ≈ −85 instead of −inf).
     */
    @Test
    void finiteAtTheEdges() {
        double[] chosen = {0, -1e-12, -1000, -0.02, -160};
        double[] rejected = {-3, 0, -0.001, -160, -1e-9};
        for (Precision precision : Precision.values()) {
            try (NDManager manager = NDManager.newBaseManager()) {
                PairInputs in = PairInputs.of(manager, precision.type, 4,
                        chosen, rejected, new double[5], new double[5]);
                SequenceLogProbs attended = PairInputs.seq(manager, precision.type,
                        new double[] {-5, -8, -2000, -1, -300}, new double[] {10, 10, 10, 10, 10}, true);
                LossOutput out = Autograd.backward(() -> new OrpoLoss(0.1).compute(new LossInputs(
                        in.policyChosen(), in.policyRejected(), null, null, null, null, attended)), LossOutput::loss);
                FDpoLossTest.assertFinite(Autograd.doubles(out.loss()), precision + " loss");
                FDpoLossTest.assertFinite(Autograd.doubles(out.pairLosses()), precision + " losses");
                FDpoLossTest.assertFinite(Autograd.doubles(Autograd.gradient(in.policyChosen().mean())), precision + " grad chosen");
                FDpoLossTest.assertFinite(Autograd.doubles(Autograd.gradient(in.policyRejected().mean())), precision + " grad rejected");
                FDpoLossTest.assertFinite(Autograd.doubles(Autograd.gradient(attended.sum())), precision + " grad attended");
            }
        }
    }

    @Test
    void contract() {
        OrpoLoss loss = new OrpoLoss(0.1);
        assertEquals("orpo", loss.name());
        assertEquals(LossRequirements.POLICY_WITH_ATTENDED, loss.requirements());
        assertThrows(IllegalArgumentException.class, () -> new OrpoLoss(-0.1));
        try (NDManager manager = NDManager.newBaseManager()) {
            PairInputs in = PairInputs.of(manager, DataType.FLOAT64, 2, new double[] {-1}, new double[] {-2},
                    new double[] {0}, new double[] {0});
            NullPointerException e = assertThrows(NullPointerException.class, () -> loss.compute(in.inputs()));
            assertTrue(e.getMessage().contains("policyChosenAttended"), e.getMessage());
        }
    }
}
