package org.dpo4j.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
import org.dpo4j.trainer.init.RandomModelFolder;
import org.dpo4j.trainer.run.DpoTrainer;
import org.dpo4j.trainer.run.TrainingSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A conversational data file trains through Qwen3's official chat template (issue 15): a tiny
 * random qwen2-family folder whose tokenizer_config.json carries the template, eight
 * conversations with system messages, earlier turns and a think block, {@code on_bad_record:
 * error} so that one record the template cannot render would stop the run. Three steps train
 * with a finite loss.
 */
class Qwen3TemplateTrainingTest {

    @TempDir Path dir;

    @Test
    void aQwen3ConversationalFileTrains() throws Exception {
        Path model = RandomModelFolder.write("qwen2", "tiny", dir.resolve("model"), 1).folder();
        Path tokenizerConfig = model.resolve("tokenizer_config.json");
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(tokenizerConfig.toFile());
        config.put("chat_template", Files.readString(
                Path.of(getClass().getResource("/chat/official/qwen3.jinja").toURI()), StandardCharsets.UTF_8));
        json.writeValue(tokenizerConfig.toFile(), config);

        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            lines.append("{\"prompt\": [{\"role\": \"system\", \"content\": \"Be brief.\"},"
                    + " {\"role\": \"user\", \"content\": \"What is ").append(i).append(" + 1?\"},"
                    + " {\"role\": \"assistant\", \"content\": \"Which base?\"},"
                    + " {\"role\": \"user\", \"content\": \"Ten.\"}],"
                    + " \"chosen\": [{\"role\": \"assistant\", \"content\": \"<think>\\nAdd one.\\n</think>\\n\\n")
                    .append(i + 1).append("\"}],"
                    + " \"rejected\": [{\"role\": \"assistant\", \"content\": \"").append(i + 2).append("\"}]}\n");
        }
        Path data = Files.writeString(dir.resolve("qwen3.jsonl"), lines.toString());

        RunConfig run = new RunConfig(
                new ModelConfig(model.toString(), "tiny", "llama"),
                new ReferenceConfig(null),
                new DataConfig(List.of(data.toString()), null, "auto",
                        new ColumnsConfig("prompt", "chosen", "rejected"), "model", 0.25, 128, 64, "keep_end", "error"),
                LossConfig.Dpo.withBeta(0.1),
                new OptimConfig(1e-3, List.of(0.9, 0.999), 1e-8, 0.0, 1.0),
                new ScheduleConfig("cosine", 0, 0.0),
                new TrainConfig(2, 1, 3, null, true, 42L, "cpu", 1),
                new EvalConfig(0),
                new OutputConfig(null, "f32", "2GB"));
        Path runDir = Files.createDirectories(dir.resolve("run"));
        try (DpoTrainer trainer = DpoTrainer.create(run, runDir, line -> {})) {
            TrainingSummary summary = trainer.run(new org.dpo4j.trainer.run.TrainingListener() {});
            assertEquals(3, summary.steps());
            assertTrue(Double.isFinite(summary.finalEval().get("eval/loss")), summary.finalEval().toString());
        }
        String first = Files.readAllLines(runDir.resolve("metrics.jsonl")).get(0);
        assertTrue(first.contains("\"data/train_pairs\":6") && first.contains("\"data/eval_pairs\":2"), first);
    }
}
