package org.dpo4j.trainer.metrics;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sums wall-clock time per {@link StepPhase} over many steps. {@link #start} marks the beginning
 * of a step; each {@link #lap} adds the time since the previous mark to its phase. Time after a
 * step's last lap (freeing the step's arrays) belongs to no phase.
 */
public final class PhaseTimer implements PhaseClock {

    private final EnumMap<StepPhase, Long> nanos = new EnumMap<>(StepPhase.class);
    private long mark;

    /** A step begins now. */
    public void start() {
        mark = System.nanoTime();
    }

    @Override
    public void lap(StepPhase phase) {
        long now = System.nanoTime();
        nanos.merge(phase, now - mark, Long::sum);
        mark = now;
    }

    /** Seconds per phase, every phase present (0 when it never ran), in step order. */
    public Map<String, Double> seconds() {
        Map<String, Double> split = new LinkedHashMap<>();
        for (StepPhase phase : StepPhase.values()) {
            split.put(phase.key(), nanos.getOrDefault(phase, 0L) / 1e9);
        }
        return split;
    }
}
