package org.dpo4j.cli.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

public class StepRatesTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void ratesOverTheLastStepsOfTheWindow() {
        StepRates r = new StepRates(4);
        r.restart(0, 0);
        assertTrue(Double.isNaN(r.stepsPerSecond()) && Double.isNaN(r.tokensPerSecond()), "nothing measured yet");
        long t = 0;
        for (int s = 1; s <= 3; s++) {
            t += SECOND; // 1 step/s, 100 tokens per step
            r.add(s, 100, t);
        }
        assertEquals(1.0, r.stepsPerSecond(), 1e-12);
        assertEquals(100.0, r.tokensPerSecond(), 1e-12);
        for (int s = 4; s <= 10; s++) {
            t += SECOND / 4; // now 4 steps/s, 50 tokens per step
            r.add(s, 50, t);
        }
        assertEquals(4.0, r.stepsPerSecond(), 1e-9, "only the last steps count");
        assertEquals(200.0, r.tokensPerSecond(), 1e-9);
    }

    @Test
    void aRestartLeavesTheEvaluationTimeOut() {
        StepRates r = new StepRates(20);
        r.restart(0, 0);
        r.add(1, 10, SECOND);
        r.add(2, 10, 2 * SECOND);
        r.restart(30 * SECOND, 2); // an evaluation took 28 s
        assertEquals(1.0, r.stepsPerSecond(), 1e-12, "until the next step, the rate measured before");
        r.add(3, 10, 31 * SECOND);
        assertEquals(1.0, r.stepsPerSecond(), 1e-12);
        assertEquals(10.0, r.tokensPerSecond(), 1e-12);
    }

    @Test
    void unknownTokensGiveNoTokenRate() {
        StepRates r = new StepRates(20);
        r.restart(0, 0);
        r.add(1, StepRates.UNKNOWN_TOKENS, SECOND);
        assertEquals(1.0, r.stepsPerSecond(), 1e-12);
        assertTrue(Double.isNaN(r.tokensPerSecond()));
    }
}
