package org.dpo4j.trainer.metrics;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Sums wall-clock time per {@link StepPhase} over many steps, and optionally a counter (the
 * process's minor page faults) per phase. {@link #start} marks the beginning of a step; each
 * {@link #lap} adds the time (and the counter's increase) since the previous mark to its phase.
 * Time after a step's last lap (freeing the step's arrays) belongs to no phase.
 */
public final class PhaseTimer implements PhaseClock {

    private final EnumMap<StepPhase, Long> nanos = new EnumMap<>(StepPhase.class);
    private final EnumMap<StepPhase, Long> counts = new EnumMap<>(StepPhase.class);
    private final LongSupplier counter;
    private long mark;
    private long countMark;

    /** Times the phases only. */
    public PhaseTimer() {
        this(null);
    }

    /**
     * @param counter a running total read at each mark (e.g. minor page faults so far), or null
     *                for none; reading it should cost microseconds, as it is read at every lap
     */
    public PhaseTimer(LongSupplier counter) {
        this.counter = counter;
    }

    /** A step begins now. */
    public void start() {
        if (counter != null) {
            countMark = counter.getAsLong();
        }
        mark = System.nanoTime();
    }

    @Override
    public void lap(StepPhase phase) {
        long now = System.nanoTime();
        nanos.merge(phase, now - mark, Long::sum);
        mark = now;
        if (counter != null) {
            long count = counter.getAsLong();
            counts.merge(phase, count - countMark, Long::sum);
            countMark = count;
            mark = System.nanoTime(); // reading the counter is no phase's time
        }
    }

    /** Seconds per phase, every phase present (0 when it never ran), in step order. */
    public Map<String, Double> seconds() {
        Map<String, Double> split = new LinkedHashMap<>();
        for (StepPhase phase : StepPhase.values()) {
            split.put(phase.key(), nanos.getOrDefault(phase, 0L) / 1e9);
        }
        return split;
    }

    /**
     * The counter's increase per phase, every phase present, in step order; empty without a
     * counter.
     */
    public Map<String, Long> counts() {
        Map<String, Long> split = new LinkedHashMap<>();
        if (counter != null) {
            for (StepPhase phase : StepPhase.values()) {
                split.put(phase.key(), counts.getOrDefault(phase, 0L));
            }
        }
        return split;
    }
}
