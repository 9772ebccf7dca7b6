package org.dpo4j.trainer;

/**
 * How a run starts and stops, besides its config.
 *
 * @param resume the checkpoint to continue from, or null for a new run
 * @param stop   polled after every optimizer step; a request stops the run with a checkpoint
 */
public record RunOptions(ResumePoint resume, StopSignal stop) {

    /** A new run that nothing stops early. */
    public static RunOptions none() {
        return new RunOptions(null, new StopSignal());
    }

    public RunOptions {
        if (stop == null) {
            throw new IllegalArgumentException("stop is required");
        }
    }
}
