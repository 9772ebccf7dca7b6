package org.dpo4j.trainer.metrics;

/**
 * A hook the training step calls as each of its phases ends ({@link StepPhase}): the time since
 * the previous lap belongs to that phase. Training runs with {@link #NONE}; {@code dpo4j bench}
 * passes a {@link PhaseTimer}.
 *
 * <p>Wall-clock laps are valid on CPU because DJL's PyTorch engine runs every CPU op
 * synchronously before the call returns. On a GPU, ops are queued and a lap would time only their
 * launch; timing phases there would need a device synchronisation at each lap, which this does
 * not do.
 */
@FunctionalInterface
public interface PhaseClock {

    /** Times nothing. */
    PhaseClock NONE = phase -> {};

    /** The work since the previous lap was {@code phase}. */
    void lap(StepPhase phase);
}
