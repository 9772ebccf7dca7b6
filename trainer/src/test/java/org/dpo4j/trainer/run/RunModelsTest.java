package org.dpo4j.trainer.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dpo4j.trainer.TestConfigs;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.config.ModelConfig;
import org.dpo4j.trainer.config.ReferenceConfig;
import org.dpo4j.trainer.config.RunConfig;
import org.dpo4j.trainer.init.RandomModelFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a run checks about its models before training. */
class RunModelsTest {

    @TempDir Path dir;

    private static RunConfig withModels(String modelPath, String referencePath) {
        RunConfig base = TestConfigs.tiny(1, 1e-3, 1);
        return new RunConfig(new ModelConfig(modelPath, "tiny", "llama"), new ReferenceConfig(referencePath),
                base.data(), base.loss(), base.optim(), base.schedule(), base.train(), base.eval(), base.output());
    }

    private String error(RunConfig config) {
        String message = assertThrows(UserInputException.class, () -> DpoTrainer.create(config, dir, line -> {})).getMessage();
        assertTrue(!message.contains("\n"), message);
        return message;
    }

    @Test
    void aTokenizerBiggerThanTheEmbeddingIsRefusedBeforeLoadingWeights() throws IOException {
        Path folder = RandomModelFolder.write("llama", "tiny", dir.resolve("m"), 1).folder();
        Path config = folder.resolve("config.json");
        // the tokenizer learned 512 ids (the tiny preset's target); claim a smaller embedding
        Files.writeString(config, Files.readString(config).replace("\"vocab_size\": 512", "\"vocab_size\": 300"));
        String message = error(withModels(folder.toString(), null));
        assertTrue(message.contains("the tokenizer has 512 ids but the model's vocab_size is 300"), message);
    }

    @Test
    void aReferenceFolderNeedsAPolicyFolder() throws IOException {
        Path folder = RandomModelFolder.write("llama", "tiny", dir.resolve("m"), 1).folder();
        String message = error(withModels(null, folder.toString()));
        assertTrue(message.startsWith("reference.path: ") && message.contains("needs model.path"), message);
    }

    @Test
    void aReferenceWithAnotherVocabularyIsRefused() throws IOException {
        Path llama = RandomModelFolder.write("llama", "tiny", dir.resolve("l"), 1).folder();
        Path gpt2 = RandomModelFolder.write("gpt2", "tiny", dir.resolve("g"), 1).folder();
        String message = error(withModels(llama.toString(), gpt2.toString()));
        assertTrue(message.contains("different vocabulary"), message);
    }

    @Test
    void unusedCheckpointTensorsAreReportedAsOneWarning() throws IOException {
        Path folder = RandomModelFolder.write("qwen2", "tiny", dir.resolve("q"), 2).folder();
        List<String> warnings = new ArrayList<>();
        // a preset qwen2 folder read as llama: the q/k/v biases are not llama parameters
        Path config = folder.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("\"model_type\": \"qwen2\"", "\"model_type\": \"llama\""));
        try (DpoTrainer trainer = DpoTrainer.create(withModels(folder.toString(), null), dir, warnings::add)) {
            assertEquals(1, warnings.size(), warnings.toString());
            // 2 layers x q, k, v biases
            assertTrue(warnings.get(0).contains("6 tensor(s)") && warnings.get(0).contains("self_attn.q_proj.bias"), warnings.get(0));
        }
    }
}
