package org.dpo4j.trainer.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

    @Test
    void warmupIsLinearFromZero() {
        LearningRateSchedule s = LearningRateSchedule.of("cosine", 1.0, 10, 0.0, 110);
        assertEquals(0.0, s.lr(0));
        assertEquals(0.5, s.lr(5), 1e-12);
        assertEquals(1.0, s.lr(10), 1e-12);
    }

    @Test
    void cosineIsHalfWayAtTheMiddleAndZeroAtTheEnd() {
        // After 10 warmup steps, 100 decay steps: progress 0.5 at step 60 → 0.5(1 + cos(π/2)) = 0.5.
        LearningRateSchedule s = LearningRateSchedule.of("cosine", 2.0, 10, 0.0, 110);
        assertEquals(1.0, s.lr(60), 1e-12);
        assertEquals(0.0, s.lr(110), 1e-12);
    }

    @Test
    void linearAndConstant() {
        assertEquals(0.75, LearningRateSchedule.of("linear", 1.0, 0, 0.0, 100).lr(25), 1e-12);
        assertEquals(1.0, LearningRateSchedule.of("constant", 1.0, 0, 0.0, 100).lr(99), 1e-12);
    }

    @Test
    void warmupRatioRoundsUp() {
        // 0.05 · 30 = 1.5 → 2 warmup steps.
        assertEquals(2, LearningRateSchedule.of("linear", 1.0, 0, 0.05, 30).warmupSteps());
    }
}
