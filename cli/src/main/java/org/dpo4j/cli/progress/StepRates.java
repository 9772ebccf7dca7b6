package org.dpo4j.cli.progress;

/**
 * Steps and tokens per second over the last few optimizer steps, or since the last
 * {@link #restart}, so that the time an evaluation takes is not counted as training. Until a
 * step follows a restart, the rates are those measured before it.
 */
public final class StepRates {

    /** Passed as a step's tokens when they are not known; tokens/s is then NaN. */
    static final long UNKNOWN_TOKENS = -1;

    private final int window;
    private final long[] nanos;
    private final int[] steps;
    private final long[] tokensUpTo;
    private int recorded;
    private long fromNanos;
    private int fromStep;
    private long fromTokens;
    private long tokens;
    private boolean tokensKnown = true;
    private double stepsBefore = Double.NaN;
    private double tokensBefore = Double.NaN;

    /** @param window how many of the latest steps the rates average over */
    StepRates(int window) {
        this.window = window;
        this.nanos = new long[window];
        this.steps = new int[window];
        this.tokensUpTo = new long[window];
    }

    /** Starts measuring afresh from {@code step}, completed at {@code now}. */
    void restart(long now, int step) {
        stepsBefore = stepsPerSecond();
        tokensBefore = tokensPerSecond();
        fromNanos = now;
        fromStep = step;
        fromTokens = tokens;
        recorded = 0;
    }

    /** Step {@code step}, which trained on {@code stepTokens} tokens, completed at {@code now}. */
    void add(int step, long stepTokens, long now) {
        if (stepTokens < 0) {
            tokensKnown = false;
        } else {
            tokens += stepTokens;
        }
        int slot = recorded % window;
        nanos[slot] = now;
        steps[slot] = step;
        tokensUpTo[slot] = tokens;
        recorded++;
    }

    double stepsPerSecond() {
        return recorded == 0 ? stepsBefore : perSecond(steps[newest()] - (long) oldestStep());
    }

    /** NaN when some step's tokens were not known. */
    double tokensPerSecond() {
        if (!tokensKnown) {
            return Double.NaN;
        }
        return recorded == 0 ? tokensBefore : perSecond(tokensUpTo[newest()] - oldestTokens());
    }

    private double perSecond(long amount) {
        double seconds = (nanos[newest()] - oldestNanos()) / 1e9;
        return seconds > 0 ? amount / seconds : Double.NaN;
    }

    private int newest() {
        return (recorded - 1) % window;
    }

    /** The slot of the oldest step kept once the window is full; otherwise the restart point is used. */
    private int oldest() {
        return recorded >= window ? recorded % window : -1;
    }

    private long oldestNanos() {
        return oldest() < 0 ? fromNanos : nanos[oldest()];
    }

    private int oldestStep() {
        return oldest() < 0 ? fromStep : steps[oldest()];
    }

    private long oldestTokens() {
        return oldest() < 0 ? fromTokens : tokensUpTo[oldest()];
    }
}
