package org.dpo4j.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The NLL term: {@link SftLoss} by hand derivation, and {@link NllRegularized} around DPO. */
class SftLossTest {

    /**
     * Chosen sums (−4, −6) over (2, 4) tokens, rejected (−3, −9) over 3 each:
     *
     * <pre>
     *   NLL         = (4 + 6)/(2 + 4) = 5/3
     *   pair losses = (5/3, 5/3)                     the batch NLL per pair (TRL 1.x's sft)
     *   ∂NLL/∂pc_b  = −1/6 for each b; the means and the rejected side get 0
     *   rewards     = chosen means (−2, −1.5), rejected means (−1, −3)
     * </pre>
     */
    @ParameterizedTest
    @EnumSource(Precision.class)
    void sftByHand(Precision precision) {
        double tol = precision == Precision.FLOAT64 ? 1e-15 : 1e-6;
        try (NDManager manager = NDManager.newBaseManager()) {
            SequenceLogProbs pc = PairInputs.seq(manager, precision.type, new double[] {-4, -6}, new double[] {2, 4}, true);
            SequenceLogProbs pr = PairInputs.seq(manager, precision.type, new double[] {-3, -9}, new double[] {3, 3}, true);
            LossOutput out = Autograd.backward(
                    () -> new SftLoss().compute(new LossInputs(pc, pr, null, null)), LossOutput::loss);
            assertEquals(5.0 / 3, Autograd.doubles(out.loss())[0], tol);
            assertArrayEquals(new double[] {5.0 / 3, 5.0 / 3}, Autograd.doubles(out.pairLosses()), tol);
            assertArrayEquals(new double[] {-1.0 / 6, -1.0 / 6}, Autograd.doubles(Autograd.gradient(pc.sum())), tol);
            assertArrayEquals(new double[] {0, 0}, Autograd.doubles(Autograd.gradient(pc.mean())), 0.0);
            assertArrayEquals(new double[] {0, 0}, Autograd.doubles(Autograd.gradient(pr.sum())), 0.0);
            assertArrayEquals(new double[] {-2, -1.5}, Autograd.doubles(out.chosenRewards()), tol);
            assertArrayEquals(new double[] {-1, -3}, Autograd.doubles(out.rejectedRewards()), tol);
        }
    }

    /** No completion token in the batch: NLL = −0/max(0, 1) = 0, not NaN. */
    @Test
    void emptyBatchHasZeroNll() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SequenceLogProbs empty = PairInputs.seq(manager, DataType.FLOAT32, new double[] {0, 0}, new double[] {0, 0}, true);
            LossOutput out = new SftLoss().compute(new LossInputs(empty, empty, null, null));
            assertEquals(0.0, Autograd.doubles(out.loss())[0], 0.0);
        }
    }

    @Test
    void sftContract() {
        assertEquals("sft", new SftLoss().name());
        assertEquals(LossRequirements.POLICY_ONLY, new SftLoss().requirements());
    }

    /**
     * NllRegularized(DPO(β), w): per-pair losses and rewards are DPO's (bitwise), the scalar is
     * DPO's mean + w·NLL, and the gradient w.r.t. pc_b is DPO's plus −w/Σn; name and requirements
     * are the base's; {@code nll_loss} reports the NLL. w = 0 leaves DPO's scalar unchanged.
     */
    @Test
    void nllRegularizedAddsTheWeightedNll() {
        double beta = 0.1;
        double w = 0.7;
        double[] pc = {-10, -14, -7};
        double[] pr = {-11, -12, -9};
        double[] rc = {-10.5, -13, -7.5};
        double[] rr = {-10, -12.5, -8};
        try (NDManager manager = NDManager.newBaseManager()) {
            PairInputs a = PairInputs.of(manager, DataType.FLOAT64, 4, pc, pr, rc, rr);
            PairInputs b = PairInputs.of(manager, DataType.FLOAT64, 4, pc, pr, rc, rr);
            PairInputs c = PairInputs.of(manager, DataType.FLOAT64, 4, pc, pr, rc, rr);
            NllRegularized rpo = new NllRegularized(new DpoSigmoidLoss(beta), w);
            LossOutput out = a.backward(rpo);
            LossOutput dpo = b.backward(new DpoSigmoidLoss(beta));
            double nll = (10 + 14 + 7) / 12.0;
            assertEquals(Autograd.doubles(dpo.loss())[0] + w * nll, Autograd.doubles(out.loss())[0], 1e-15);
            assertArrayEquals(Autograd.doubles(dpo.pairLosses()), Autograd.doubles(out.pairLosses()), 0.0);
            assertArrayEquals(Autograd.doubles(dpo.chosenRewards()), Autograd.doubles(out.chosenRewards()), 0.0);
            double[] gDpo = b.gradChosen();
            double[] g = a.gradChosen();
            for (int i = 0; i < pc.length; i++) {
                assertEquals(gDpo[i] - w / 12, g[i], 1e-16);
            }
            assertArrayEquals(b.gradRejected(), a.gradRejected(), 0.0);
            assertArrayEquals(new double[] {nll, nll, nll}, Autograd.doubles(out.extraMetrics().get("nll_loss")), 1e-15);
            assertEquals("dpo", rpo.name());
            assertEquals(LossRequirements.POLICY_AND_REFERENCE, rpo.requirements());

            LossOutput zero = c.backward(new NllRegularized(new DpoSigmoidLoss(beta), 0));
            assertArrayEquals(Autograd.doubles(dpo.loss()), Autograd.doubles(zero.loss()), 0.0);
        }
        NllRegularized aroundTdpo = new NllRegularized(new TdpoLoss(0.1, 0.5), 1);
        assertEquals("tdpo", aroundTdpo.name());
        assertEquals(LossRequirements.WITH_TOKEN_KL, aroundTdpo.requirements());
        assertThrows(IllegalArgumentException.class, () -> new NllRegularized(new SftLoss(), -1));
        assertThrows(NullPointerException.class, () -> new NllRegularized(null, 1));
    }
}
