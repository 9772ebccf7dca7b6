package org.dpo4j.trainer.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Training and held-out pairs.
 *
 * @param train pairs to train on
 * @param eval  held-out pairs, disjoint from {@code train}
 */
public record DataSplit(List<PreferencePair> train, List<PreferencePair> eval) {

    /**
     * Holds about {@code fraction} of {@code pairs} out. Pairs are grouped by prompt, and whole
     * groups go to one side, so no held-out prompt (and no duplicated record) is also trained
     * on: the held-out score measures prompts the model has not seen. The groups are ordered by
     * a shuffle seeded with {@code seed}, and held out until the held-out side has at least
     * {@code round(fraction · pairs)} pairs; at least one group stays on each side.
     *
     * @throws IllegalArgumentException when all pairs share one prompt (nothing to split)
     */
    public static DataSplit holdOut(List<PreferencePair> pairs, double fraction, long seed) {
        Map<String, List<PreferencePair>> byPrompt = new LinkedHashMap<>();
        for (PreferencePair pair : pairs) {
            byPrompt.computeIfAbsent(pair.prompt(), p -> new ArrayList<>()).add(pair);
        }
        List<List<PreferencePair>> groups = new ArrayList<>(byPrompt.values());
        if (groups.size() < 2) {
            throw new IllegalArgumentException("all " + pairs.size() + " pairs share one prompt");
        }
        Collections.shuffle(groups, new Random(seed));
        int target = Math.max(1, (int) Math.round(pairs.size() * fraction));
        List<PreferencePair> eval = new ArrayList<>();
        int g = 0;
        while (g < groups.size() - 1 && eval.size() < target) {
            eval.addAll(groups.get(g++));
        }
        List<PreferencePair> train = new ArrayList<>();
        for (; g < groups.size(); g++) {
            train.addAll(groups.get(g));
        }
        return new DataSplit(List.copyOf(train), List.copyOf(eval));
    }
}
