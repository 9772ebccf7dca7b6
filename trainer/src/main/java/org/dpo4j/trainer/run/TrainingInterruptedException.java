package org.dpo4j.trainer.run;

import java.nio.file.Path;

/**
 * The run stopped early because a {@link StopSignal} asked it to, after writing a checkpoint it
 * can resume from.
 */
public final class TrainingInterruptedException extends RuntimeException {

    private final int step;
    private final transient Path checkpoint;

    /**
     * @param step       optimizer steps completed
     * @param checkpoint the checkpoint of that step
     */
    public TrainingInterruptedException(int step, Path checkpoint) {
        super("interrupted at step " + step + "; checkpoint " + checkpoint);
        this.step = step;
        this.checkpoint = checkpoint;
    }

    /** Optimizer steps completed. */
    public int step() {
        return step;
    }

    /** The checkpoint of {@link #step()}. */
    public Path checkpoint() {
        return checkpoint;
    }
}
