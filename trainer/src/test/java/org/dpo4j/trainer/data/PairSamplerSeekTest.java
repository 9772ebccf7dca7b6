package org.dpo4j.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A checkpoint's data position: a new sampler moved to the position another one reached serves
 * the same batches from there on, with the same fractional epoch, at every position of three
 * epochs (the end of an epoch included).
 */
class PairSamplerSeekTest {

    /** 11 pairs at B = 3: batches of 3, 3, 3, 2 per epoch. */
    private static List<TokenizedPair> pairs() {
        return Pairs.withCompletions(new int[] {5, 1, 9, 2, 7, 3, 3, 8, 4, 6, 2});
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void seekContinuesExactlyWhereTheOriginalStood(boolean grouped) {
        assertEquals(new PairSampler.Position(0, 0), new PairSampler(pairs(), 3, grouped, 42).position());
        for (int served = 0; served <= 12; served++) {
            PairSampler original = new PairSampler(pairs(), 3, grouped, 42);
            for (int k = 0; k < served; k++) {
                original.next();
            }
            PairSampler.Position at = original.position();
            // 4 batches per epoch: after n batches the next one is batch n mod 4 of epoch n div 4
            assertEquals(new PairSampler.Position(served / 4, served % 4), at, "after " + served + " batches");
            PairSampler resumed = new PairSampler(pairs(), 3, grouped, 42);
            resumed.seek(at);
            assertEquals(at, resumed.position());
            for (int k = 0; k < 6; k++) {
                assertEquals(original.epoch(), resumed.epoch(), 0.0, "epoch, " + served + " + " + k + " batches");
                assertEquals(Pairs.ids(original.next()), Pairs.ids(resumed.next()), "batch " + (served + k));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void seekRefusesAPositionOutsideTheEpochOrAUsedSampler(boolean grouped) {
        PairSampler sampler = new PairSampler(pairs(), 3, grouped, 42);
        assertThrows(IllegalArgumentException.class, () -> sampler.seek(new PairSampler.Position(1, 4)));
        PairSampler used = new PairSampler(pairs(), 3, grouped, 42);
        used.next();
        assertThrows(IllegalStateException.class, () -> used.seek(new PairSampler.Position(0, 1)));
    }
}
