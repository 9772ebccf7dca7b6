package org.dpo4j.trainer.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Training and held-out pairs.
 *
 * @param train pairs to train on
 * @param eval  held-out pairs, disjoint from {@code train}
 */
public record DataSplit(List<PreferencePair> train, List<PreferencePair> eval) {

    /**
     * Holds {@code fraction} of {@code pairs} out, chosen by a seeded shuffle; at least one pair
     * stays on each side.
     */
    public static DataSplit holdOut(List<PreferencePair> pairs, double fraction, long seed) {
        List<PreferencePair> shuffled = new ArrayList<>(pairs);
        Collections.shuffle(shuffled, new Random(seed));
        int evalCount = (int) Math.round(pairs.size() * fraction);
        evalCount = Math.max(1, Math.min(pairs.size() - 1, evalCount));
        return new DataSplit(
                List.copyOf(shuffled.subList(evalCount, shuffled.size())),
                List.copyOf(shuffled.subList(0, evalCount)));
    }
}
