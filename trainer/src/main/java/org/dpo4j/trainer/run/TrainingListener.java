package org.dpo4j.trainer.run;

import org.dpo4j.trainer.metrics.MetricsRecord;

/**
 * Receives a run's progress. The trainer calls it on the training thread; implementations
 * render (a live bar, log lines) and must not throw.
 */
public interface TrainingListener {

    /** Before training, one line the user should read (e.g. checkpoint tensors that were ignored). */
    default void onWarning(String line) {}

    /** Before the first step, with what the run will do. */
    default void onStart(RunPlan plan) {}

    /** After every optimizer step (1-based), for live progress. */
    default void onStep(int step) {}

    /**
     * After every optimizer step (1-based), with the tokens it trained on: the non-padding
     * tokens of its chosen and rejected sequences, summed over its micro-batches (the step's
     * share of {@code num_tokens}). The trainer calls this one; by default it calls
     * {@link #onStep(int)}, so a listener overrides whichever it needs.
     */
    default void onStep(int step, long tokens) {
        onStep(step);
    }

    /** After each logged training step: the record also written to metrics.jsonl. */
    default void onLog(MetricsRecord record) {}

    /** After each evaluation: values are prefixed {@code eval/}. */
    default void onEval(MetricsRecord record) {}

    /** After each training checkpoint is complete: its step and its folder ({@code RUN/checkpoints/step-N}). */
    default void onCheckpoint(int step, java.nio.file.Path folder) {}

    /** A listener that ignores everything. */
    TrainingListener NONE = new TrainingListener() {};
}
