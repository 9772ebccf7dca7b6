package org.dpo4j.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the golden vectors of the new family members do not pin: WRPO's α ramp, LD-DPO's identity at
 * α = 1, the requirements that wrappers and combinations add, and their refusals.
 */
class LossFamilyTest {

    /** α_t = α·min(1, t / warm-up): 0 at step 0, half at half the warm-up, α from the warm-up on. */
    @Test
    void wrpoAlphaRampsLinearly() {
        WrpoLoss loss = new WrpoLoss(0.1, 0.4, 0, WrpoVariant.WRPO, 10, 0.4);
        assertEquals(0.0, ((WrpoLoss) loss.atStep(0)).currentAlpha(), 0.0);
        assertEquals(0.2, ((WrpoLoss) loss.atStep(5)).currentAlpha(), 1e-15);
        assertEquals(0.4, ((WrpoLoss) loss.atStep(10)).currentAlpha(), 0.0);
        assertEquals(0.4, ((WrpoLoss) loss.atStep(99)).currentAlpha(), 0.0);
        WrpoLoss noRamp = new WrpoLoss(0.1, 0.4, 0, WrpoVariant.WRPO);
        assertEquals(0.4, ((WrpoLoss) noRamp.atStep(0)).currentAlpha(), 0.0);
        // Wrappers forward the step to the loss inside.
        PreferenceLoss wrapped = new NllRegularized(new WpoWeighted(loss), 1);
        PreferenceLoss atFive = ((WpoWeighted) ((NllRegularized) wrapped.atStep(5)).base()).base();
        assertEquals(0.2, ((WrpoLoss) atFive).currentAlpha(), 1e-15);
    }

    /**
     * Masks (1 = scored) chosen [0,1,1,1,0], rejected [0,1,1,0,0]: l_p = 2; shifted by one, the chosen
     * weights are [1, 1, α, 0] and the rejected [1, 1, 0, 0]. With α = 1 they are the masks.
     */
    @Test
    void lengthWeightsByHand() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray chosen = manager.create(new long[] {0, 1, 1, 1, 0}).reshape(1, 5);
            NDArray rejected = manager.create(new long[] {0, 1, 1, 0, 0}).reshape(1, 5);
            NDArray like = manager.zeros(new ai.djl.ndarray.types.Shape(1), DataType.FLOAT64);
            LengthDesensitization.Weights w = new LengthDesensitization(0.25).weights(chosen, rejected, like);
            assertArrayEquals(new double[] {1, 1, 0.25, 0}, w.chosen().toDoubleArray(), 0.0);
            assertArrayEquals(new double[] {1, 1, 0, 0}, w.rejected().toDoubleArray(), 0.0);
            LengthDesensitization.Weights one = new LengthDesensitization(1).weights(chosen, rejected, like);
            assertArrayEquals(new double[] {1, 1, 1, 0}, one.chosen().toDoubleArray(), 0.0);
        }
        assertThrows(IllegalArgumentException.class, () -> new LengthDesensitization(1.5));
    }

    @Test
    void wrappersAndCombinationsAddTheirRequirements() {
        PreferenceLoss dpo = new DpoSigmoidLoss(0.1);
        LengthDesensitization ld = new LengthDesensitization(0.5);
        LossRequirements needs = new LengthDesensitized(new WpoWeighted(dpo), ld).requirements();
        assertEquals(ld, needs.lengthDesensitization());
        assertEquals(true, needs.pairWeights());
        assertEquals(true, needs.referenceLogProbs());
        CombinedLoss mpo = new CombinedLoss(List.of(
                new CombinedLoss.Term(dpo, 0.8), new CombinedLoss.Term(new SftLoss(), 1)));
        assertEquals("combined", mpo.name());
        assertEquals(LossRequirements.POLICY_AND_REFERENCE, mpo.requirements());
        // D2O reads other completions than pairs: it cannot share a batch with DPO.
        assertThrows(IllegalArgumentException.class, () -> new CombinedLoss(List.of(
                new CombinedLoss.Term(dpo, 1), new CombinedLoss.Term(new D2oLoss(0.1, 0.1), 1))));
        // Two stateful terms would need two states in one checkpoint entry.
        assertThrows(IllegalArgumentException.class, () -> new CombinedLoss(List.of(
                new CombinedLoss.Term(new BcoPairLoss(0.1, BcoPairLoss.BcoDelta.RUNNING_MEAN), 1),
                new CombinedLoss.Term(new BcoPairLoss(0.1, BcoPairLoss.BcoDelta.RUNNING_MEAN), 1))));
        assertThrows(IllegalArgumentException.class, () -> new CombinedLoss(List.of()));
    }

    /** TailRisk's quantile is torch.quantile's linear one: [1, 2, 3, 4] at q = 0.5 is 2.5, at 0.05 is 1.15. */
    @Test
    void quantileIsLinear() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(new double[] {4, 1, 3, 2});
            assertEquals(2.5, TailRisk.quantile(x, 0.5).getDouble(), 1e-15);
            assertEquals(1.15, TailRisk.quantile(x, 0.05).getDouble(), 1e-15);
            assertEquals(4, TailRisk.quantile(x, 1).getDouble(), 0.0);
        }
    }
}
