package org.dpo4j.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Properties of {@link SequenceStats} that hold for any logits, with their derivations. */
class SequenceStatsTest {

    /**
     * With z = logits[:, :−1], label_t = ids[t+1], m_t = mask[t+1] and p = softmax(z_t):
     *
     * <pre>
     *   ∂sum/∂z[t, v]  = m_t · (1[v = label_t] − p_v)
     *   ∂mean/∂z[t, v] = m_t · (1[v = label_t] − p_v) / max(Σ m, 1)
     * </pre>
     *
     * so every logit at a position whose next token is unscored (m_t = 0), and at the last position
     * (not in z at all), gets exactly 0: the mask multiplies the incoming gradient by 0 before it
     * reaches the softmax. Scored positions get a nonzero gradient (1 − p_label > 0 at the label).
     * Row 2 has no scored token at all: its sum, count and mean are 0 (not NaN) and its gradient is 0.
     * The objective weighs sums and means with different weights so that both paths are exercised.
     */
    @ParameterizedTest
    @EnumSource(Precision.class)
    void unscoredTokensGetExactlyZeroGradient(Precision precision) {
        RandomBatch batch = RandomBatch.of(7, 8, 11, 3, 4, 2, 0);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray logits = batch.logits(manager, precision.type);
            logits.setRequiresGradient(true);
            NDArray sumWeights = manager.create(new double[] {0.7, -1.3, 0.4}).toType(precision.type, false);
            NDArray meanWeights = manager.create(new double[] {-0.2, 0.9, 1.1}).toType(precision.type, false);
            SequenceLogProbs stats = Autograd.backward(
                    () -> SequenceStats.logProbs(logits, batch.ids(manager), batch.mask(manager)),
                    s -> s.sum().mul(sumWeights).sum().add(s.mean().mul(meanWeights).sum()));

            double[] grad = Autograd.doubles(Autograd.gradient(logits));
            for (int row = 0; row < batch.n(); row++) {
                for (int t = 0; t < batch.t(); t++) {
                    boolean scored = t < batch.t() - 1 && batch.scored(row, t + 1);
                    double[] g = Arrays.copyOfRange(grad, (row * batch.t() + t) * batch.v(),
                            (row * batch.t() + t + 1) * batch.v());
                    if (scored) {
                        assertTrue(Arrays.stream(g).anyMatch(x -> x != 0), "scored position " + row + "," + t);
                    } else {
                        assertTrue(Arrays.stream(g).allMatch(x -> x == 0.0),
                                "unscored position " + row + "," + t + ": " + Arrays.toString(g));
                    }
                }
            }
            assertArrayEquals(new double[] {4, 2, 0}, Autograd.doubles(stats.tokenCount()), 0.0);
            assertTrue(Autograd.doubles(stats.sum())[2] == 0.0, "sum of a row with no scored token");
            assertTrue(Autograd.doubles(stats.mean())[2] == 0.0, "mean of a row with no scored token");
        }
    }

    /**
     * log_softmax(z + c)_v = z_v + c − log Σ_u e^{z_u + c} = z_v − log Σ_u e^{z_u}: adding a constant
     * to every logit of a row changes nothing mathematically. Numerically, z + c with |c| = 1000 in
     * float64 is rounded to ulp(1000)/2 ≈ 5.7e−14; subtracting the row max is then exact (Sterbenz),
     * so each token log-prob moves by a few e−13 and a sum over ≤ 7 tokens by ≤ ~2e−12. The
     * tolerance 1e−11 keeps a margin, whereas a kernel that did not subtract the max would give
     * exp(1000) = inf and NaN log-probs. Each row (n, t) gets its own constant, c minus its row
     * index (1000, 999, ...), so that a kernel subtracting one max per sequence would also fail.
     */
    @ParameterizedTest
    @ValueSource(doubles = {1000, -1000})
    void addingAConstantToARowLeavesLogProbsUnchanged(double offset) {
        RandomBatch batch = RandomBatch.of(5, 7, 11, 2, 5, 3, 4);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray logits = batch.logits(manager, DataType.FLOAT64);
            double[] constants = new double[batch.n() * batch.t()];
            for (int row = 0; row < constants.length; row++) {
                constants[row] = offset - Math.signum(offset) * row;
            }
            NDArray shiftedLogits = logits.add(manager.create(constants, new Shape(batch.n(), batch.t(), 1)));
            SequenceLogProbs plain = SequenceStats.logProbs(logits, batch.ids(manager), batch.mask(manager));
            SequenceLogProbs shifted = SequenceStats.logProbs(shiftedLogits, batch.ids(manager), batch.mask(manager));
            assertClose(plain.sum(), shifted.sum(), "sum");
            assertClose(plain.mean(), shifted.mean(), "mean");
            assertClose(SequenceStats.tokenLogProbs(logits, batch.ids(manager)),
                    SequenceStats.tokenLogProbs(shiftedLogits, batch.ids(manager)), "token log-probs");
        }
    }

    @Test
    void tokenLogProbsSumToOneOverTheVocabulary() {
        // Σ_v exp(log π(v)) = 1: checks the normaliser, independently of the golden vectors.
        RandomBatch batch = RandomBatch.of(3, 4, 11, 1, 3);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray logits = batch.logits(manager, DataType.FLOAT64);
            double[] total = new double[batch.t() - 1];
            for (int v = 0; v < batch.v(); v++) {
                NDArray ids = manager.full(new Shape(1, batch.t()), (long) v);
                double[] logps = Autograd.doubles(SequenceStats.tokenLogProbs(logits, ids));
                for (int t = 0; t < total.length; t++) {
                    total[t] += Math.exp(logps[t]);
                }
            }
            for (double x : total) {
                assertEquals(1.0, x, 1e-14);
            }
        }
    }

    private static void assertClose(NDArray expected, NDArray actual, String what) {
        assertArrayEquals(Autograd.doubles(expected), Autograd.doubles(actual), 1e-11, what);
    }
}
