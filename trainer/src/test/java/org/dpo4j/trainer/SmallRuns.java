package org.dpo4j.trainer;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dpo4j.trainer.config.ColumnsConfig;
import org.dpo4j.trainer.config.DataConfig;
import org.dpo4j.trainer.config.EvalConfig;
import org.dpo4j.trainer.config.LossConfig;
import org.dpo4j.trainer.config.ModelConfig;
import org.dpo4j.trainer.config.OptimConfig;
import org.dpo4j.trainer.config.OutputConfig;
import org.dpo4j.trainer.config.ReferenceConfig;
import org.dpo4j.trainer.config.RunConfig;
import org.dpo4j.trainer.config.ScheduleConfig;
import org.dpo4j.trainer.config.TrainConfig;
import org.dpo4j.trainer.data.PreferencePair;
import org.dpo4j.trainer.data.TinyPrefs;

/**
 * Short runs of the tiny preset on a few built-in pairs written as JSONL: batches of 4 pairs,
 * a quarter held out, lr 1e-2 without warmup (the policy moves from the first step), a record
 * per step.
 */
final class SmallRuns {

    private SmallRuns() {}

    /** The first {@code pairs} built-in pairs as {@code dir/pairs-N.jsonl}. */
    static Path writePairs(Path dir, int pairs) {
        ObjectMapper json = new ObjectMapper();
        List<String> lines = new ArrayList<>();
        try {
            for (PreferencePair p : TinyPrefs.pairs().subList(0, pairs)) {
                lines.add(json.writeValueAsString(Map.of("prompt", p.prompt(), "chosen", p.chosen(), "rejected", p.rejected())));
            }
            Path file = dir.resolve("pairs-" + pairs + ".jsonl");
            Files.write(file, lines);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RunConfig dpo(Path data, int maxSteps, int evalEvery, ReferenceConfig reference) {
        return run(data, 0.25, maxSteps, evalEvery, reference, LossConfig.Dpo.withBeta(0.1));
    }

    static RunConfig run(Path data, double evalFraction, int maxSteps, int evalEvery, ReferenceConfig reference,
            LossConfig loss) {
        return new RunConfig(
                new ModelConfig(null, "tiny", "llama"),
                reference,
                new DataConfig(List.of(data.toString()), null, "auto", new ColumnsConfig("prompt", "chosen", "rejected"),
                        "auto", evalFraction, 128, 64, "keep_start", "error"),
                loss,
                new OptimConfig(1e-2, List.of(0.9, 0.999), 1e-8, 0.0, 1.0),
                new ScheduleConfig("constant", 0, 0.0),
                new TrainConfig(4, 1, maxSteps, null, true, 42L, "cpu", 1),
                new EvalConfig(evalEvery),
                new OutputConfig(null, "f32", "2GB"));
    }
}
