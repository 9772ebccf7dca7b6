package org.dpo4j.trainer.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** GradScaler's rules: start at 2^16, ×0.5 on an overflow, ×2 after 2000 good steps in a row. */
public class LossScalerTest {

    @Test
    void startsAtGradScalersInitialScale() {
        assertEquals(65536.0, new LossScaler().scale());
        assertEquals(new LossScaler.State(65536.0, 0), new LossScaler().state());
    }

    @Test
    void anOverflowBacksOffAndRestartsTheCount() {
        LossScaler s = new LossScaler();
        for (int i = 0; i < LossScaler.INTERVAL - 1; i++) {
            s.update(false);
        }
        s.update(true);
        assertEquals(new LossScaler.State(LossScaler.INIT_SCALE * LossScaler.BACKOFF, 0), s.state());
        // the good steps before the overflow do not count towards growth
        s.update(false);
        assertEquals(LossScaler.INIT_SCALE * LossScaler.BACKOFF, s.scale());
    }

    @Test
    void growsAfterTheIntervalOfGoodSteps() {
        LossScaler s = new LossScaler();
        for (int i = 1; i < LossScaler.INTERVAL; i++) {
            s.update(false);
            assertEquals(LossScaler.INIT_SCALE, s.scale(), "good step " + i);
        }
        s.update(false);
        assertEquals(new LossScaler.State(LossScaler.INIT_SCALE * LossScaler.GROWTH, 0), s.state());
    }

    @Test
    void aStateRestoresExactlyAndABadOneIsRefused() {
        LossScaler s = new LossScaler(new LossScaler.State(1024.0, LossScaler.INTERVAL - 1));
        s.update(false);
        assertEquals(new LossScaler.State(2048.0, 0), s.state(), "the restored count continues");
        assertThrows(IllegalArgumentException.class, () -> new LossScaler(new LossScaler.State(0.0, 0)));
        assertThrows(IllegalArgumentException.class,
                () -> new LossScaler(new LossScaler.State(Double.POSITIVE_INFINITY, 0)));
    }

    @Test
    void onlyANonFiniteNormIsAnOverflow() {
        assertTrue(LossScaler.overflowed(Double.NaN));
        assertTrue(LossScaler.overflowed(Double.POSITIVE_INFINITY));
        assertFalse(LossScaler.overflowed(Float.MAX_VALUE));
    }
}
