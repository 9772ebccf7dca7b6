package org.dpo4j.losses;

import java.util.Map;

/**
 * A loss that carries state from call to call (e.g. {@link BcoPairLoss}'s running mean). A
 * training checkpoint saves {@link #state()} and a resumed run hands it back to
 * {@link #restoreState}, so that the resumed run computes exactly what the uninterrupted one
 * would have.
 */
public interface StatefulLoss {

    /**
     * The state as named numbers, exact as doubles (counts are integers below 2^53).
     *
     * @return name to value, in a stable order
     */
    Map<String, Double> state();

    /**
     * Replaces the state with one {@link #state()} returned.
     *
     * @throws IllegalArgumentException when a name is missing or a value is not allowed
     */
    void restoreState(Map<String, Double> state);
}
