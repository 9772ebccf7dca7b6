package org.dpo4j.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The held-out split: disjoint by prompt, sized by the fraction, fixed by the seed. */
class DataSplitTest {

    /** 20 prompts with 5 pairs each: 100 pairs. */
    private static List<PreferencePair> pairs() {
        List<PreferencePair> pairs = new ArrayList<>();
        for (int p = 0; p < 20; p++) {
            for (int k = 0; k < 5; k++) {
                pairs.add(new PreferencePair("id" + p + "-" + k, "prompt " + p, "good " + k, "bad " + k));
            }
        }
        return pairs;
    }

    @Test
    void noPromptIsOnBothSides() {
        DataSplit split = DataSplit.holdOut(pairs(), 0.1, 42);
        Set<String> trainPrompts = new HashSet<>();
        split.train().forEach(p -> trainPrompts.add(p.prompt()));
        split.eval().forEach(p -> assertTrue(!trainPrompts.contains(p.prompt()), p.prompt()));
        // round(0.1 · 100) = 10 pairs = exactly 2 whole prompts of 5
        assertEquals(10, split.eval().size());
        assertEquals(90, split.train().size());
    }

    @Test
    void theSplitIsFixedBySeed() {
        assertEquals(DataSplit.holdOut(pairs(), 0.2, 7), DataSplit.holdOut(pairs(), 0.2, 7));
        assertNotEquals(DataSplit.holdOut(pairs(), 0.2, 7).eval(), DataSplit.holdOut(pairs(), 0.2, 8).eval());
    }

    @Test
    void duplicatedRecordsStayTogether() {
        List<PreferencePair> pairs = new ArrayList<>(pairs());
        pairs.addAll(pairs()); // every record twice
        DataSplit split = DataSplit.holdOut(pairs, 0.1, 3);
        Set<PreferencePair> train = new HashSet<>(split.train());
        split.eval().forEach(p -> assertTrue(!train.contains(p)));
    }
}
