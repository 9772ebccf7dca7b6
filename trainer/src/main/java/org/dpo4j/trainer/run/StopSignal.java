package org.dpo4j.trainer.run;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A request, from any thread, that a run stop at the next safe point: after the optimizer step
 * under way (with its log line and evaluation, if one falls on it), once a checkpoint of that
 * step is written. The training loop polls it; the command line sets it from a signal handler.
 */
public final class StopSignal {

    private final AtomicBoolean requested = new AtomicBoolean();

    /**
     * Asks the run to stop.
     *
     * @return true the first time, false when a stop was already requested
     */
    public boolean request() {
        return requested.compareAndSet(false, true);
    }

    /** Whether a stop was requested. */
    public boolean isRequested() {
        return requested.get();
    }
}
