package org.dpo4j.trainer.lora;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.dpo4j.trainer.checkpoint.HfModelLoader;
import org.dpo4j.trainer.checkpoint.HfModelWriter;
import org.dpo4j.trainer.checkpoint.LoadedModel;
import org.dpo4j.trainer.checkpoint.SaveDtype;
import org.dpo4j.trainer.checkpoint.TokenizerFiles;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.model.ModelArchitecture;
import org.dpo4j.trainer.model.ModelWeights;

/**
 * {@code dpo4j merge}: a base model folder plus a PEFT LoRA adapter folder written out as one
 * Hugging Face model folder with W + s·B·A ({@link LoraMerge}), the base's config.json and
 * generation config, and the tokenizer files (the adapter folder's when it has them, else the
 * base's).
 */
public final class AdapterMerge {

    private AdapterMerge() {}

    /** What was merged. */
    public record Result(ModelArchitecture architecture, LoraSpec spec) {}

    /**
     * @param dtype of the written weights
     * @throws UserInputException when a folder is unusable or {@code out} exists and is not empty
     */
    public static Result run(Path base, Path adapter, Path out, SaveDtype dtype) {
        if (Files.exists(out)) {
            try (var entries = Files.list(out)) {
                if (entries.findAny().isPresent()) {
                    throw new UserInputException("--out: " + out + " exists and is not empty");
                }
            } catch (java.io.IOException e) {
                throw new UserInputException("--out: cannot read " + out + ": " + e.getMessage());
            }
            try {
                Files.delete(out);
            } catch (java.io.IOException e) {
                throw new UserInputException("--out: cannot replace the empty folder " + out + ": " + e.getMessage());
            }
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            LoadedModel loaded = HfModelLoader.load(base, 1, manager);
            ModelArchitecture architecture = loaded.architecture();
            ModelWeights adapted = LoraWeights.load(architecture, loaded.weights(), adapter, null, 0);
            Map<String, byte[]> tokenizer = new LinkedHashMap<>(TokenizerFiles.of(base));
            tokenizer.putAll(TokenizerFiles.of(adapter));
            try (ModelWeights merged = LoraMerge.merged(adapted)) {
                new HfModelWriter(dtype, Long.MAX_VALUE).write(out, merged,
                        new HfModelWriter.Companions(architecture, tokenizer, Map.of(), base));
            }
            return new Result(architecture, LoraAdapters.of(adapted).spec());
        }
    }
}
