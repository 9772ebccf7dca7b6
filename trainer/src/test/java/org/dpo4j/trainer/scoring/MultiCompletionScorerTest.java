package org.dpo4j.trainer.scoring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;
import org.dpo4j.losses.D2oLoss;
import org.dpo4j.losses.LossInputs;
import org.dpo4j.losses.LossOutput;
import org.dpo4j.losses.PreferenceLoss;
import org.dpo4j.losses.SequenceLogProbs;
import org.dpo4j.losses.SequenceStats;
import org.dpo4j.losses.WrpoLoss;
import org.dpo4j.losses.WrpoVariant;
import org.dpo4j.trainer.data.Batch;
import org.dpo4j.trainer.data.Batcher;
import org.dpo4j.trainer.data.TokenizedPair;
import org.dpo4j.trainer.model.CausalLm;
import org.dpo4j.trainer.reference.LiveReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * D2O's and WRPO's batches (S = K + 1 and 3 rows per prompt) through the scorer give the loss
 * class applied to sequence log-probs computed apart, one unpadded row at a time with the plain
 * forward pass: the invariant that the row layout, the prompt sharing (used when S·B is even), the
 * slot slicing and the (B, K) reshaping are right. Same float32 model on the same tokens, other
 * padding and summation order: equal to ~1e−5 relative.
 */
class MultiCompletionScorerTest {

    private static final int VOCAB = 61;
    private static final double RELATIVE = 1e-4;

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void d2oScoresEqualTheLossOfSeparatelyComputedLogProbs(int k) {
        List<TokenizedPair> pairs = records(k - 1, 11);
        check(pairs, new D2oLoss(0.1, 0.3), (policy, reference) -> {
            int b = pairs.size();
            LossInputs in = new LossInputs(policy.apply(0), policy.apply(1), reference.apply(0), reference.apply(1));
            int[] slots = new int[k];
            for (int j = 1; j < k; j++) {
                slots[j] = j + 1;
            }
            return in.withSamples(stack(policy, slots, b), stack(reference, slots, b));
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"WRPO", "SIGMOID"})
    void wrpoScoresEqualTheLossOfSeparatelyComputedLogProbs(String variant) {
        List<TokenizedPair> pairs = records(1, 12);
        check(pairs, new WrpoLoss(0.1, 0.3, 0.0, WrpoVariant.valueOf(variant)), (policy, reference) ->
                new LossInputs(policy.apply(0), policy.apply(1), reference.apply(0), reference.apply(1))
                        .withSourceChosen(policy.apply(2), reference.apply(2)));
    }

    /** Builds the loss's inputs from per-slot (B) statistics of the policy and of the reference. */
    private interface Inputs {
        LossInputs of(IntFunction<SequenceLogProbs> policy, IntFunction<SequenceLogProbs> reference);
    }

    private static void check(List<TokenizedPair> pairs, PreferenceLoss loss, Inputs inputs) {
        int b = pairs.size();
        try (NDManager manager = NDManager.newBaseManager()) {
            CausalLm policy = ScoringFixtures.tinyLlama(5, VOCAB, manager);
            CausalLm reference = ScoringFixtures.tinyLlama(6, VOCAB, manager);
            Batch.Tensors batch = new Batcher(0).batch(pairs).toTensors(manager);
            PreferenceScorer scorer = new PreferenceScorer(policy, new LiveReference(reference), loss);
            BatchPlan plan = scorer.plan(batch, b);
            PreferenceScorer.Scored scored = scorer.score(batch, plan, scorer.reference(pairs, batch, plan), b);

            LossInputs apart = inputs.of(slot -> apart(policy, pairs, slot, manager),
                    slot -> apart(reference, pairs, slot, manager));
            LossOutput expected = loss.compute(apart);
            assertRelative(expected.pairLosses(), scored.output().pairLosses(), "per-prompt losses");
            assertRelative(expected.loss(), scored.output().loss(), "loss");
            assertRelative(expected.chosenRewards(), scored.output().chosenRewards(), "chosen rewards");
            assertRelative(expected.rejectedRewards(), scored.output().rejectedRewards(), "rejected rewards");
            if (apart.policySamples() != null) {
                assertArrayEquals(apart.policySamples().sum().getShape().getShape(),
                        scored.inputs().policySamples().sum().getShape().getShape(), "samples are (B, K)");
                assertRelative(apart.policySamples().sum(), scored.inputs().policySamples().sum(), "samples");
                assertRelative(apart.referenceSamples().sum(), scored.inputs().referenceSamples().sum(), "ref samples");
            }
            if (apart.policySourceChosen() != null) {
                assertRelative(apart.policySourceChosen().sum(), scored.inputs().policySourceChosen().sum(), "source");
            }
        }
    }

    /** (B) statistics of row slot {@code slot} of every pair, each row run alone, unpadded. */
    private static SequenceLogProbs apart(CausalLm model, List<TokenizedPair> pairs, int slot, NDManager manager) {
        NDList sums = new NDList();
        NDList means = new NDList();
        NDList counts = new NDList();
        for (TokenizedPair pair : pairs) {
            int[] completion = pair.completion(slot);
            int length = pair.prompt().length + completion.length;
            long[] ids = new long[length];
            float[] loss = new float[length];
            for (int t = 0; t < pair.prompt().length; t++) {
                ids[t] = pair.prompt()[t];
            }
            for (int t = 0; t < completion.length; t++) {
                ids[pair.prompt().length + t] = completion[t];
                loss[pair.prompt().length + t] = 1f;
            }
            float[] attention = new float[length];
            java.util.Arrays.fill(attention, 1f);
            Shape shape = new Shape(1, length);
            NDArray idArray = manager.create(ids, shape);
            NDArray logits = model.forward(idArray, manager.create(attention, shape));
            SequenceLogProbs row = SequenceStats.fromTokenLogProbs(SequenceStats.tokenLogProbs(logits, idArray),
                    manager.create(loss, shape));
            sums.add(row.sum());
            means.add(row.mean());
            counts.add(row.tokenCount());
        }
        return new SequenceLogProbs(NDArrays.concat(sums), NDArrays.concat(means), NDArrays.concat(counts));
    }

    /** The (B, K) statistics of the given slots. */
    private static SequenceLogProbs stack(IntFunction<SequenceLogProbs> perSlot, int[] slots, int b) {
        NDList sums = new NDList();
        NDList means = new NDList();
        NDList counts = new NDList();
        for (int slot : slots) {
            SequenceLogProbs s = perSlot.apply(slot);
            sums.add(s.sum());
            means.add(s.mean());
            counts.add(s.tokenCount());
        }
        return new SequenceLogProbs(NDArrays.stack(sums, 1), NDArrays.stack(means, 1), NDArrays.stack(counts, 1));
    }

    /** Three records of different prompt and completion lengths with {@code extra} further completions. */
    private static List<TokenizedPair> records(int extra, long seed) {
        Random random = new Random(seed);
        int[][] lengths = {{3, 7, 4}, {9, 2, 10}, {1, 5, 1}};
        List<TokenizedPair> pairs = new ArrayList<>();
        for (int i = 0; i < lengths.length; i++) {
            int[][] more = new int[extra][];
            for (int j = 0; j < extra; j++) {
                more[j] = random.ints(1 + random.nextInt(8), 1, VOCAB).toArray();
            }
            pairs.add(new TokenizedPair("p" + i, random.ints(lengths[i][0], 1, VOCAB).toArray(),
                    random.ints(lengths[i][1], 1, VOCAB).toArray(), random.ints(lengths[i][2], 1, VOCAB).toArray(), more));
        }
        return pairs;
    }

    private static void assertRelative(NDArray expected, NDArray actual, String what) {
        float[] e = expected.toType(DataType.FLOAT32, false).toFloatArray();
        float[] a = actual.toType(DataType.FLOAT32, false).toFloatArray();
        assertEquals(e.length, a.length, what);
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], RELATIVE * Math.max(Math.abs(e[i]), 1e-3), what + " [" + i + "]");
        }
    }
}
