package org.dpo4j.trainer.run;

/**
 * How a run starts and stops, besides its config.
 *
 * @param resume     the checkpoint to continue from, or null for a new run
 * @param stop       polled after every optimizer step; a request stops the run with a checkpoint
 * @param firstPairs when positive, train and evaluate on only the first this many training and
 *                   held-out pairs (a smoke run; all data are still read and checked); 0 = all
 */
public record RunOptions(ResumePoint resume, StopSignal stop, int firstPairs) {

    /** A new run that nothing stops early. */
    public static RunOptions none() {
        return new RunOptions(null, new StopSignal());
    }

    /** All pairs. */
    public RunOptions(ResumePoint resume, StopSignal stop) {
        this(resume, stop, 0);
    }

    public RunOptions {
        if (stop == null) {
            throw new IllegalArgumentException("stop is required");
        }
        if (firstPairs < 0) {
            throw new IllegalArgumentException("firstPairs must be >= 0, got " + firstPairs);
        }
    }
}
