package org.dpo4j.trainer.data;

import org.dpo4j.trainer.common.UserInputException;

/**
 * Optimizer steps for a run given in epochs ({@code train.epochs}), counted as Hugging Face's
 * Trainer counts them:
 *
 * <pre>
 *   micro_batches_per_epoch = ⌈N / B⌉                      (the last short batch counts)
 *   steps_per_epoch         = max(⌊micro_batches_per_epoch / G⌋, 1)
 *   max_steps               = epochs · steps_per_epoch
 * </pre>
 *
 * for N training pairs, batch size B and G gradient-accumulation steps. Each step draws G
 * micro-batches from the endless {@link PairSampler}, so when G does not divide the
 * micro-batches of an epoch the run ends short of {@code epochs} full epochs (by fewer than G
 * micro-batches per epoch), and when an epoch has fewer than G micro-batches its one step
 * reaches into the next epoch.
 */
public final class EpochSteps {

    private EpochSteps() {}

    /** ⌈N / B⌉. */
    public static int microBatchesPerEpoch(int pairs, int batchSize) {
        return (pairs + batchSize - 1) / batchSize;
    }

    /** max(⌊⌈N / B⌉ / G⌋, 1). */
    public static int stepsPerEpoch(int pairs, int batchSize, int accumulationSteps) {
        return Math.max(microBatchesPerEpoch(pairs, batchSize) / accumulationSteps, 1);
    }

    /**
     * epochs · steps per epoch.
     *
     * @throws UserInputException when that is more steps than an int holds
     */
    public static int maxSteps(int epochs, int pairs, int batchSize, int accumulationSteps) {
        int perEpoch = stepsPerEpoch(pairs, batchSize, accumulationSteps);
        try {
            return Math.multiplyExact(epochs, perEpoch);
        } catch (ArithmeticException e) {
            throw new UserInputException("train.epochs: " + epochs + " epochs of " + perEpoch
                    + " steps is more than " + Integer.MAX_VALUE + " steps; lower train.epochs");
        }
    }
}
