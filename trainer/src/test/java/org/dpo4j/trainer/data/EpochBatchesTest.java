package org.dpo4j.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EpochBatchesTest {

    /** 203 pairs of row lengths 2..41, mixed: enough for several mega-batches at B = 4. */
    private static List<TokenizedPair> mixed() {
        Random lengths = new Random(7);
        int[] completions = new int[203];
        for (int i = 0; i < completions.length; i++) {
            completions[i] = 1 + lengths.nextInt(40);
        }
        return Pairs.withCompletions(completions);
    }

    private static List<List<String>> ids(List<List<TokenizedPair>> epoch) {
        return epoch.stream().map(Pairs::ids).toList();
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void everyPairExactlyOncePerEpochInCeilNOverBBatches(boolean grouped) {
        List<TokenizedPair> pairs = mixed();
        EpochBatches epochs = new EpochBatches(pairs, 4, grouped, 42);
        List<String> all = Pairs.ids(pairs).stream().sorted().toList();
        for (int e = 0; e < 3; e++) {
            List<List<TokenizedPair>> epoch = epochs.next();
            assertEquals(51, epoch.size(), "⌈203 / 4⌉ = 51 batches");
            long short_ = epoch.stream().filter(b -> b.size() != 4).count();
            assertEquals(1, short_, "203 = 50·4 + 3: one batch of 3");
            List<String> seen = new ArrayList<>();
            epoch.forEach(b -> seen.addAll(Pairs.ids(b)));
            Collections.sort(seen);
            assertEquals(all, seen, "epoch " + e);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void sameSeedSameBatchesDifferentSeedDifferent(boolean grouped) {
        EpochBatches a = new EpochBatches(mixed(), 4, grouped, 42);
        EpochBatches b = new EpochBatches(mixed(), 4, grouped, 42);
        EpochBatches c = new EpochBatches(mixed(), 4, grouped, 43);
        for (int e = 0; e < 3; e++) {
            List<List<String>> epochA = ids(a.next());
            assertEquals(epochA, ids(b.next()), "epoch " + e);
            assertNotEquals(epochA, ids(c.next()), "epoch " + e);
        }
    }

    @Test
    void epochsDiffer() {
        EpochBatches epochs = new EpochBatches(mixed(), 4, true, 42);
        assertNotEquals(ids(epochs.next()), ids(epochs.next()));
    }

    @Test
    void plainIsOneSeededShufflePerEpochCut() {
        // group_by_length=false keeps the sampler's earlier stream exactly: one Random(seed),
        // one Collections.shuffle of the pairs (in their given order) per epoch, cut in order.
        List<TokenizedPair> pairs = mixed();
        EpochBatches epochs = new EpochBatches(pairs, 4, false, 42);
        Random random = new Random(42);
        for (int e = 0; e < 2; e++) {
            List<TokenizedPair> order = new ArrayList<>(pairs);
            Collections.shuffle(order, random);
            List<String> flat = new ArrayList<>();
            epochs.next().forEach(b -> flat.addAll(Pairs.ids(b)));
            assertEquals(Pairs.ids(order), flat, "epoch " + e);
        }
    }

    @Test
    void cutKeepsTheShortLastBatch() {
        List<TokenizedPair> pairs = Pairs.withCompletions(new int[] {1, 1, 1, 1, 1});
        assertEquals(List.of(List.of("p0", "p1"), List.of("p2", "p3"), List.of("p4")),
                ids(EpochBatches.cut(pairs, 2)));
    }

    @Test
    void samplerServesTheEpochsBatchByBatchAndCountsFractionalEpochs() {
        List<TokenizedPair> pairs = mixed();
        PairSampler sampler = new PairSampler(pairs, 4, true, 42);
        EpochBatches epochs = new EpochBatches(pairs, 4, true, 42);
        List<List<TokenizedPair>> expected = new ArrayList<>(epochs.next());
        expected.addAll(epochs.next());
        long served = 0;
        for (int i = 0; i < expected.size(); i++) {
            List<TokenizedPair> batch = sampler.next();
            assertEquals(Pairs.ids(expected.get(i)), Pairs.ids(batch), "batch " + i);
            served += batch.size();
            assertEquals((double) served / 203, sampler.epoch(), 1e-12);
        }
        assertEquals(2.0, sampler.epoch(), 1e-12, "51 batches per epoch, 102 served: two epochs");
    }

    @Test
    void rejectsEmptyDataAndBadBatchSize() {
        assertThrows(IllegalArgumentException.class, () -> new EpochBatches(List.of(), 4, true, 1));
        assertThrows(IllegalArgumentException.class, () -> new EpochBatches(mixed(), 0, true, 1));
    }
}
