package org.dpo4j.trainer.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.dpo4j.trainer.TestConfigs;
import org.dpo4j.trainer.bench.SyntheticPairs;
import org.dpo4j.trainer.data.PairSampler;
import org.dpo4j.trainer.data.TokenizedPair;
import org.dpo4j.trainer.metrics.MetricsWindow;
import org.dpo4j.trainer.optim.LossScaler;
import org.junit.jupiter.api.Test;

/** A resumed fp16 loop continues with the checkpoint's loss scale and growth count; a float32 checkpoint leaves a fresh scaler. */
public class LossScalerResumeTest {

    private static TrainingLoop loop(LossScaler scaler) {
        List<TokenizedPair> pairs = SyntheticPairs.generate(16, 8, 259, 1L);
        TrainingLoop.Parts parts = new TrainingLoop.Parts(null, null, new PairSampler(pairs, 4, false, 1L), null,
                List.of(), null, null, null, new StepPrecision.MixedFp16(scaler));
        return new TrainingLoop(parts, new TrainingLoop.Cadence(10, 1, 1, 0, 1.0), null, step -> {});
    }

    private static TrainerState state(LossScaler.State scaler) {
        return new TrainerState(3, 10, 0, new PairSampler.Position(0, 3), 16, 100L,
                new MetricsWindow.Sums(Map.of(), 0.0), Map.of(), 0L,
                ConfigFingerprint.of(TestConfigs.tiny(10, 1e-3, 1)), scaler);
    }

    @Test
    void theScalerResumesExactly() {
        LossScaler scaler = new LossScaler();
        loop(scaler).restore(state(new LossScaler.State(8192.0, 1234)));
        assertEquals(new LossScaler.State(8192.0, 1234), scaler.state());
    }

    @Test
    void aFloat32CheckpointLeavesTheInitialScale() {
        LossScaler scaler = new LossScaler();
        loop(scaler).restore(state(null));
        assertEquals(LossScaler.State.initial(), scaler.state());
    }
}
