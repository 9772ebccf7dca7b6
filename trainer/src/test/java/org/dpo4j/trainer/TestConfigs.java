package org.dpo4j.trainer;

import java.util.List;
import org.dpo4j.trainer.config.LossConfig;
import org.dpo4j.trainer.config.ColumnsConfig;
import org.dpo4j.trainer.config.DataConfig;
import org.dpo4j.trainer.config.EvalConfig;
import org.dpo4j.trainer.config.ModelConfig;
import org.dpo4j.trainer.config.OptimConfig;
import org.dpo4j.trainer.config.OutputConfig;
import org.dpo4j.trainer.config.ReferenceConfig;
import org.dpo4j.trainer.config.RunConfig;
import org.dpo4j.trainer.config.ScheduleConfig;
import org.dpo4j.trainer.config.TrainConfig;

/** Run configs for trainer tests: the tiny preset on the built-in pairs. */
public final class TestConfigs {

    private TestConfigs() {}

    public static RunConfig tiny(int maxSteps, double lr, int logEvery) {
        return new RunConfig(
                new ModelConfig(null, "tiny", "llama"),
                new ReferenceConfig(null),
                new DataConfig(List.of("builtin:tiny-prefs"), null, "auto", new ColumnsConfig("prompt", "chosen", "rejected"), "auto",
                        0.1, 128, 64, "keep_start", "error"),
                LossConfig.Dpo.withBeta(0.1),
                new OptimConfig(lr, List.of(0.9, 0.999), 1e-8, 0.0, 1.0),
                new ScheduleConfig("cosine", 10, 0.0),
                new TrainConfig(8, 1, maxSteps, null, true, 42L, "cpu", logEvery),
                new EvalConfig(0),
                new OutputConfig(null, "f32", "2GB"));
    }
}
