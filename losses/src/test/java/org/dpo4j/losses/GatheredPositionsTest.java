package org.dpo4j.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The pieces a trainer uses when it normalises logits only at the scored positions
 * ({@link SequenceStats#fromTokenLogProbs}, {@link SequenceStats#distributionDivergence}) give
 * the full-grid results ({@link SequenceStats#logProbs}, {@link SequenceStats#tokenDivergence}).
 *
 * <p>Here the M scored positions (row n, position t with mask[n, t+1] = 1) are picked from the
 * full (N, T, V) logits, normalised with {@code logSoftmax}, and the per-position values are put
 * back on an (N, T−1) grid with a value that is not 0 (−7) at every other position, which the
 * mask must remove. The two sides differ only in float64 rounding (log_softmax vs the
 * max-subtracted spelling, then sums of ≤ 7 terms of size ≤ ~10): 1e−12 is ~10⁴ ulps of margin.
 */
class GatheredPositionsTest {

    private static final double TOLERANCE = 1e-12;
    private static final double UNSCORED = -7;

    @Test
    void logProbsAtTheScoredPositionsGiveTheFullGridSums() {
        RandomBatch batch = RandomBatch.of(11, 9, 13, 2, 7, 3, 0, 5);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray logits = batch.logits(manager, DataType.FLOAT64);
            long[] at = scoredPositions(batch);
            long[] labels = new long[at.length];
            for (int m = 0; m < at.length; m++) {
                labels[m] = batch.ids()[(int) at[m] + 1];
            }
            NDArray gathered = gather(logits, batch, at).logSoftmax(-1);
            NDArray labelLogps = gathered.gather(manager.create(labels, new Shape(at.length, 1)), -1);
            NDArray grid = grid(manager, batch, at, Autograd.doubles(labelLogps));

            SequenceLogProbs full = SequenceStats.logProbs(logits, batch.ids(manager), batch.mask(manager));
            SequenceLogProbs fromScored = SequenceStats.fromTokenLogProbs(grid, batch.mask(manager));
            assertArrayEquals(Autograd.doubles(full.sum()), Autograd.doubles(fromScored.sum()), TOLERANCE);
            assertArrayEquals(Autograd.doubles(full.mean()), Autograd.doubles(fromScored.mean()), TOLERANCE);
            assertArrayEquals(new double[] {7, 3, 0, 5}, Autograd.doubles(fromScored.tokenCount()), 0.0);
        }
    }

    @Test
    void divergencesAtTheScoredPositionsGiveTheFullGridSums() {
        RandomBatch policy = RandomBatch.of(12, 9, 13, 3, 4, 6, 1);
        RandomBatch reference = RandomBatch.of(13, 9, 13, 3, 4, 6, 1);
        for (Divergence divergence : new Divergence[] {new ForwardKl(), new ReverseKl(), new JensenShannon()}) {
            try (NDManager manager = NDManager.newBaseManager()) {
                NDArray policyLogits = policy.logits(manager, DataType.FLOAT64);
                NDArray referenceLogits = reference.logits(manager, DataType.FLOAT64);
                long[] at = scoredPositions(policy);
                NDArray perPosition = SequenceStats.distributionDivergence(
                        gather(policyLogits, policy, at).logSoftmax(-1),
                        gather(referenceLogits, policy, at).logSoftmax(-1),
                        divergence);
                double[] sums = Autograd.doubles(SequenceStats.fromTokenLogProbs(
                        grid(manager, policy, at, Autograd.doubles(perPosition)), policy.mask(manager)).sum());
                NDArray full = SequenceStats.tokenDivergence(
                        policyLogits, referenceLogits, policy.ids(manager), policy.mask(manager), divergence);
                assertArrayEquals(Autograd.doubles(full), sums, TOLERANCE, divergence.name());
            }
        }
    }

    /** Flat indices n·T + t of the positions whose next token is scored, row-major. */
    private static long[] scoredPositions(RandomBatch batch) {
        return java.util.stream.IntStream.range(0, batch.n() * batch.t())
                .filter(i -> i % batch.t() < batch.t() - 1 && batch.scored(i / batch.t(), i % batch.t() + 1))
                .asLongStream().toArray();
    }

    /** (M, V): the logits rows at {@code at}. */
    private static NDArray gather(NDArray logits, RandomBatch batch, long[] at) {
        return logits.reshape(batch.n() * batch.t(), batch.v()).get(logits.getManager().create(at));
    }

    /** (N, T−1) with {@code values[m]} at position {@code at[m]} and {@link #UNSCORED} elsewhere. */
    private static NDArray grid(NDManager manager, RandomBatch batch, long[] at, double[] values) {
        double[] grid = new double[batch.n() * (batch.t() - 1)];
        Arrays.fill(grid, UNSCORED);
        for (int m = 0; m < at.length; m++) {
            int row = (int) at[m] / batch.t();
            int position = (int) at[m] % batch.t();
            grid[row * (batch.t() - 1) + position] = values[m];
        }
        return manager.create(grid, new Shape(batch.n(), batch.t() - 1));
    }
}
