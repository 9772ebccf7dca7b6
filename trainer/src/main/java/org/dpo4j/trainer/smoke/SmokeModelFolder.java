package org.dpo4j.trainer.smoke;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.dpo4j.trainer.checkpoint.HfModelWriter;
import org.dpo4j.trainer.checkpoint.SaveDtype;
import org.dpo4j.trainer.checkpoint.TokenizerFiles;
import org.dpo4j.trainer.model.ModelArchitecture;
import org.dpo4j.trainer.model.ModelInitializer;
import org.dpo4j.trainer.tokenizer.HfTokenizer;

/**
 * Writes a smoke model: a Hugging Face folder with the user's tokenizer files and special
 * tokens, and random weights of {@link SmokeArchitecture}'s size, so that the smoke run loads it
 * through the same loader, tokenizer and chat template as the real run would.
 */
final class SmokeModelFolder {

    private SmokeModelFolder() {}

    /**
     * @param userFolder   the model folder of the user's config
     * @param architecture the shrunk architecture
     * @param target       the folder to create (must not exist)
     * @param seed         seed of the weights ({@code train.seed})
     */
    static void write(Path userFolder, ModelArchitecture architecture, Path target, long seed) {
        Map<String, Integer> ids = new LinkedHashMap<>();
        try (HfTokenizer tokenizer = HfTokenizer.load(userFolder)) {
            if (tokenizer.bosId() >= 0) {
                ids.put("bos_token_id", tokenizer.bosId());
            }
            ids.put("eos_token_id", tokenizer.eosId());
            ids.put("pad_token_id", tokenizer.padId());
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            new HfModelWriter(SaveDtype.F32, Long.MAX_VALUE).write(target,
                    ModelInitializer.randomWeights(architecture, seed, manager),
                    // no source folder: its config.json describes the full-size model, not this one
                    new HfModelWriter.Companions(architecture, TokenizerFiles.of(userFolder), ids, null));
        }
    }
}
