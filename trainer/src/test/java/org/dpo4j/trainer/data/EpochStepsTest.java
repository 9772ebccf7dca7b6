package org.dpo4j.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.dpo4j.trainer.common.UserInputException;
import org.junit.jupiter.api.Test;

/** steps = epochs · max(⌊⌈N / B⌉ / G⌋, 1), each case worked by hand. */
class EpochStepsTest {

    @Test
    void microBatchesCountTheShortLastBatch() {
        assertEquals(225, EpochSteps.microBatchesPerEpoch(1800, 8), "1800 / 8 = 225 exactly");
        assertEquals(3, EpochSteps.microBatchesPerEpoch(10, 4), "4 + 4 + 2");
        assertEquals(1, EpochSteps.microBatchesPerEpoch(3, 4), "one short batch");
    }

    @Test
    void withoutAccumulationOneStepPerMicroBatch() {
        assertEquals(225, EpochSteps.stepsPerEpoch(1800, 8, 1));
        assertEquals(450, EpochSteps.maxSteps(2, 1800, 8, 1), "the default data and batch, two epochs");
        assertEquals(9, EpochSteps.maxSteps(3, 10, 4, 1), "3 micro-batches a epoch, 3 epochs");
    }

    @Test
    void accumulationThatDoesNotDivideRoundsDown() {
        assertEquals(56, EpochSteps.stepsPerEpoch(1800, 8, 4), "⌊225 / 4⌋: 224 micro-batches, 1 left over");
        assertEquals(168, EpochSteps.maxSteps(3, 1800, 8, 4), "3 · 56");
        assertEquals(1, EpochSteps.stepsPerEpoch(10, 4, 2), "⌊3 / 2⌋");
        assertEquals(2, EpochSteps.maxSteps(2, 10, 4, 2));
        assertEquals(75, EpochSteps.maxSteps(1, 1800, 8, 3), "225 / 3 divides");
    }

    @Test
    void atLeastOneStepPerEpoch() {
        assertEquals(1, EpochSteps.stepsPerEpoch(3, 4, 8), "⌊1 / 8⌋ = 0, raised to 1");
        assertEquals(5, EpochSteps.maxSteps(5, 3, 4, 8));
    }

    @Test
    void tooManyStepsIsAUserError() {
        UserInputException e = assertThrows(UserInputException.class,
                () -> EpochSteps.maxSteps(Integer.MAX_VALUE, 1800, 8, 1));
        assertEquals("train.epochs: 2147483647 epochs of 225 steps is more than 2147483647 steps; lower train.epochs",
                e.getMessage());
    }
}
