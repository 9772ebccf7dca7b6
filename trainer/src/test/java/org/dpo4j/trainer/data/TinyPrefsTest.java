package org.dpo4j.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TinyPrefsTest {

    @Test
    void isDeterministic() {
        assertEquals(TinyPrefs.pairs(), TinyPrefs.pairs());
        assertEquals(TinyPrefs.SIZE, TinyPrefs.pairs().size());
    }

    @Test
    void bothInstructionsOccurAndChosenDiffersFromRejected() {
        List<PreferencePair> pairs = TinyPrefs.pairs();
        long praise = pairs.stream().filter(p -> p.prompt().startsWith("Praise")).count();
        assertTrue(praise > pairs.size() / 3 && praise < 2 * pairs.size() / 3, "praise share " + praise);
        pairs.forEach(p -> assertNotEquals(p.chosen(), p.rejected()));
    }

    @Test
    void splitIsDisjointSeededAndCoversEverything() {
        List<PreferencePair> pairs = TinyPrefs.pairs();
        DataSplit a = DataSplit.holdOut(pairs, 0.1, 7);
        assertEquals(a, DataSplit.holdOut(pairs, 0.1, 7));
        assertNotEquals(a.eval(), DataSplit.holdOut(pairs, 0.1, 8).eval());
        // whole prompts are held out until round(0.1 · 2000) = 200 pairs are reached: the last
        // prompt added may overshoot by less than its own group
        long largestGroup = pairs.stream().collect(java.util.stream.Collectors.groupingBy(PreferencePair::prompt,
                java.util.stream.Collectors.counting())).values().stream().mapToLong(Long::longValue).max().orElseThrow();
        assertTrue(a.eval().size() >= 200 && a.eval().size() < 200 + largestGroup, "held out " + a.eval().size());
        Set<String> ids = new HashSet<>();
        a.train().forEach(p -> ids.add(p.id()));
        a.eval().forEach(p -> assertTrue(ids.add(p.id()), "in both splits: " + p.id()));
        assertEquals(pairs.size(), ids.size());
    }
}
