package org.dpo4j.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** TDPO's invariants (the golden vectors cover its values and gradients). */
class TdpoLossTest {

    /**
     * Policy = reference, from the logits: the sequence KL is exactly 0 (log p_ref − log p = 0
     * entrywise on bitwise-equal logits) and so are the margins, so z = 0 and the loss is
     * softplus(0) = ln 2 for both variants, as DPO's; the rewards β·(m + k) are 0.
     */
    @ParameterizedTest
    @EnumSource(Precision.class)
    void policyEqualToReferenceIsDpoWithLn2(Precision precision) {
        RandomBatch chosen = RandomBatch.of(21, 7, 11, 2, 3, 5, 1);
        RandomBatch rejected = RandomBatch.of(22, 7, 11, 3, 4, 2, 3);
        double ln2 = precision == Precision.FLOAT32 ? (float) Math.log(2) : Math.log(2);
        for (TdpoVariant variant : TdpoVariant.values()) {
            try (NDManager manager = NDManager.newBaseManager()) {
                NDArray chosenLogits = chosen.logits(manager, precision.type);
                NDArray rejectedLogits = rejected.logits(manager, precision.type);
                NDArray chosenKl = SequenceStats.tokenKl(chosenLogits, chosenLogits, chosen.ids(manager), chosen.mask(manager));
                NDArray rejectedKl = SequenceStats.tokenKl(rejectedLogits, rejectedLogits, rejected.ids(manager), rejected.mask(manager));
                SequenceLogProbs pc = SequenceStats.logProbs(chosenLogits, chosen.ids(manager), chosen.mask(manager));
                SequenceLogProbs pr = SequenceStats.logProbs(rejectedLogits, rejected.ids(manager), rejected.mask(manager));
                LossInputs in = new LossInputs(pc, pr, pc, pr, chosenKl, rejectedKl, null);
                LossOutput tdpo = new TdpoLoss(0.1, 0.5, variant).compute(in);
                LossOutput dpo = new DpoSigmoidLoss(0.1).compute(in);
                assertArrayEquals(new double[3], Autograd.doubles(chosenKl), 0.0);
                assertArrayEquals(new double[3], Autograd.doubles(rejectedKl), 0.0);
                for (double loss : Autograd.doubles(tdpo.pairLosses())) {
                    assertEquals(ln2, loss, 0.0, variant.toString());
                }
                FDpoLossTest.assertBitwiseEqual(dpo, tdpo);
            }
        }
    }

    /** TDPO2 with α = 0: z = (mc − mr) − 0·(…) = mc − mr, DPO's logit, so DPO bit for bit. */
    @ParameterizedTest
    @EnumSource(Precision.class)
    void tdpo2WithAlphaZeroIsDpoExactly(Precision precision) {
        double[] pc = {-10, -31, -4.5};
        double[] pr = {-12, -29, -8};
        double[] rc = {-11, -30, -6};
        double[] rr = {-11.5, -30.5, -5};
        try (NDManager manager = NDManager.newBaseManager()) {
            PairInputs a = PairInputs.of(manager, precision.type, 4, pc, pr, rc, rr);
            PairInputs b = PairInputs.of(manager, precision.type, 4, pc, pr, rc, rr);
            NDArray kc = manager.create(new double[] {0.3, 2.0, 7.5}).toType(precision.type, false);
            NDArray kr = manager.create(new double[] {1.1, 0.2, 4.0}).toType(precision.type, false);
            LossOutput tdpo = Autograd.backward(
                    () -> new TdpoLoss(0.2, 0, TdpoVariant.TDPO2).compute(a.inputs(kc, kr)), LossOutput::loss);
            LossOutput dpo = b.backward(new DpoSigmoidLoss(0.2));
            assertArrayEquals(Autograd.doubles(dpo.loss()), Autograd.doubles(tdpo.loss()), 0.0);
            assertArrayEquals(Autograd.doubles(dpo.pairLosses()), Autograd.doubles(tdpo.pairLosses()), 0.0);
            assertArrayEquals(b.gradChosen(), a.gradChosen(), 0.0);
            assertArrayEquals(b.gradRejected(), a.gradRejected(), 0.0);
        }
    }

    /**
     * Stop-gradient: with z = (mc − mr) − α·(kr − sg(kc)), ∂L/∂kc = 0 exactly for TDPO2, while
     * TDPO1's ∂L/∂kc = −(β/B)·σ(−β·z) ≠ 0; ∂L/∂kr = (β·α/B)·σ(−β·z) (α = 1 for TDPO1). Also checks
     * the metrics kl/chosen and kl/rejected and the rewards β·(m + k).
     */
    @Test
    void tdpo2DetachesTheChosenKlOnly() {
        double beta = 0.5;
        double alpha = 0.3;
        double[] mc = {1.0, -2.0};
        double[] mr = {-0.5, 0.5};
        double[] kcValues = {0.4, 1.5};
        double[] krValues = {2.0, 0.1};
        for (TdpoVariant variant : TdpoVariant.values()) {
            try (NDManager manager = NDManager.newBaseManager()) {
                PairInputs in = PairInputs.of(manager, DataType.FLOAT64, 3, mc, mr, new double[2], new double[2]);
                NDArray kc = manager.create(kcValues);
                NDArray kr = manager.create(krValues);
                kc.setRequiresGradient(true);
                kr.setRequiresGradient(true);
                LossOutput out = Autograd.backward(
                        () -> new TdpoLoss(beta, alpha, variant).compute(in.inputs(kc, kr)), LossOutput::loss);
                double[] gkc = Autograd.doubles(Autograd.gradient(kc));
                double[] gkr = Autograd.doubles(Autograd.gradient(kr));
                double a = variant == TdpoVariant.TDPO1 ? 1 : alpha;
                for (int b = 0; b < 2; b++) {
                    double z = (mc[b] - mr[b]) - a * (krValues[b] - kcValues[b]);
                    double s = 1 / (1 + Math.exp(beta * z)); // σ(−β·z)
                    double expectedKc = variant == TdpoVariant.TDPO1 ? -(beta / 2) * s : 0.0;
                    assertEquals(expectedKc, gkc[b], 1e-15, variant + " dL/dkc");
                    assertEquals((beta * a / 2) * s, gkr[b], 1e-15, variant + " dL/dkr");
                    assertEquals(-(beta / 2) * s, in.gradChosen()[b], 1e-15, variant + " dL/dmc");
                    assertEquals(Math.log1p(Math.exp(-beta * z)), Autograd.doubles(out.pairLosses())[b], 1e-15);
                    assertEquals(beta * (mc[b] + kcValues[b]), Autograd.doubles(out.chosenRewards())[b], 1e-15);
                    assertEquals(beta * (mr[b] + krValues[b]), Autograd.doubles(out.rejectedRewards())[b], 1e-15);
                }
                if (variant == TdpoVariant.TDPO2) {
                    assertTrue(Arrays.stream(gkc).allMatch(g -> g == 0.0), "TDPO2 chosen KL gradient must be exactly 0");
                }
                assertArrayEquals(kcValues, Autograd.doubles(out.extraMetrics().get("kl/chosen")), 0.0);
                assertArrayEquals(krValues, Autograd.doubles(out.extraMetrics().get("kl/rejected")), 0.0);
            }
        }
    }

    /** Margins ±240 and KLs up to 1e4 (β·z up to ~5e3): finite in both precisions, both variants. */
    @Test
    void finiteAtStressInputs() {
        double[] mc = {240, -240, 0};
        double[] mr = {-240, 240, 0};
        double[] kc = {1e4, 0, 50};
        double[] kr = {0, 1e4, 160};
        for (Precision precision : Precision.values()) {
            for (TdpoVariant variant : TdpoVariant.values()) {
                try (NDManager manager = NDManager.newBaseManager()) {
                    PairInputs in = PairInputs.of(manager, precision.type, 4, mc, mr, new double[3], new double[3]);
                    NDArray kcArray = manager.create(kc).toType(precision.type, false);
                    NDArray krArray = manager.create(kr).toType(precision.type, false);
                    kcArray.setRequiresGradient(true);
                    krArray.setRequiresGradient(true);
                    LossOutput out = Autograd.backward(
                            () -> new TdpoLoss(0.5, 0.5, variant).compute(in.inputs(kcArray, krArray)), LossOutput::loss);
                    String what = precision + " " + variant;
                    FDpoLossTest.assertFinite(Autograd.doubles(out.pairLosses()), what + " losses");
                    FDpoLossTest.assertFinite(in.gradChosen(), what + " grad mc");
                    FDpoLossTest.assertFinite(Autograd.doubles(Autograd.gradient(krArray)), what + " grad kr");
                    FDpoLossTest.assertFinite(Autograd.doubles(Autograd.gradient(kcArray)), what + " grad kc");
                }
            }
        }
    }

    @Test
    void variantNamesAndDefaults() {
        assertEquals(TdpoVariant.TDPO1, TdpoVariant.named("tdpo1"));
        assertEquals(TdpoVariant.TDPO2, TdpoVariant.named("TDPO2"));
        assertEquals("tdpo2", TdpoVariant.TDPO2.configName());
        assertEquals(TdpoVariant.TDPO2, TdpoLoss.DEFAULT_VARIANT);
        assertEquals(TdpoVariant.TDPO2, new TdpoLoss(0.1, 0.5).variant());
        assertEquals("tdpo", new TdpoLoss(0.1, 0.5).name());
        assertEquals(LossRequirements.WITH_TOKEN_KL, new TdpoLoss(0.1, 0.5).requirements());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TdpoVariant.named("tdpo3"));
        assertTrue(e.getMessage().contains("tdpo1, tdpo2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TdpoLoss(0.1, -1, TdpoVariant.TDPO2));
        assertThrows(IllegalArgumentException.class, () -> new TdpoLoss(0, 0.5, TdpoVariant.TDPO2));
    }

    @Test
    void missingTokenKlIsAClearError() {
        try (NDManager manager = NDManager.newBaseManager()) {
            PairInputs in = PairInputs.of(manager, DataType.FLOAT64, 2, new double[] {-1}, new double[] {-2},
                    new double[] {-1}, new double[] {-2});
            NullPointerException e = assertThrows(NullPointerException.class,
                    () -> new TdpoLoss(0.1, 0.5).compute(in.inputs()));
            assertTrue(e.getMessage().contains("chosenTokenKl"), e.getMessage());
        }
    }
}
