package org.dpo4j.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.dpo4j.trainer.config.RunConfig;
import org.dpo4j.trainer.config.TrainConfig;
import org.dpo4j.trainer.run.DpoTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run given in epochs plans the optimizer steps from the training pairs it prepared. */
class EpochsRunPlanTest {

    @TempDir Path dir;

    @Test
    void epochsBecomeStepsAsHuggingFaceCountsThem() {
        RunConfig base = TestConfigs.tiny(1, 1e-3, 1);
        RunConfig byEpochs = new RunConfig(base.model(), base.reference(), base.data(), base.loss(), base.optim(),
                base.schedule(), new TrainConfig(8, 4, null, 2, true, 42L, "cpu", 1), base.eval(), base.output());
        try (DpoTrainer trainer = DpoTrainer.create(byEpochs, dir, line -> {})) {
            // tiny-prefs: 2000 pairs, eval_fraction 0.1 holds whole prompts out (25 pairs each at
            // most) until 200 pairs are reached; none dropped at max_length 128
            int train = trainer.plan().trainPairs();
            assertEquals(2000, train + trainer.plan().evalPairs());
            assertEquals(1795, train, "seed 42 holds out 205 pairs");
            // ⌈1795 / 8⌉ = 225 micro-batches; ⌊225 / 4⌋ = 56 steps an epoch; 2 epochs
            assertEquals(112, trainer.plan().maxSteps());
        }
    }
}
