package org.dpo4j.trainer.data.chat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Optional;
import org.dpo4j.trainer.common.JsonFiles;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.tokenizer.SpecialTokenText;

/**
 * The texts of the special tokens a chat template sees as {@code bos_token} and
 * {@code eos_token}; the empty string when the model has none.
 *
 * <p>Read from the model folder where transformers reads them, first found wins:
 * {@code tokenizer_config.json}, then {@code special_tokens_map.json}; each as a string
 * {@code "<s>"} or an AddedToken object {@code {"content": "<s>", ...}}; {@code null} counts as
 * absent. (Recent transformers ignore special_tokens_map.json when tokenizer_config.json has
 * {@code added_tokens_decoder}; the two agree in published models.)
 *
 * @param bos the BOS text, e.g. {@code <s>}, {@code <|begin_of_text|>}, or ""
 * @param eos the EOS text, e.g. {@code </s>}, {@code <|im_end|>}, or ""
 */
public record SpecialTokens(String bos, String eos) {

    /** No special tokens: both empty. */
    public static final SpecialTokens NONE = new SpecialTokens("", "");

    static final String TOKENIZER_CONFIG = "tokenizer_config.json";
    static final String SPECIAL_TOKENS_MAP = "special_tokens_map.json";

    public SpecialTokens {
        bos = bos == null ? "" : bos;
        eos = eos == null ? "" : eos;
    }

    /**
     * The tokens of {@code modelFolder} (which need not have either file).
     *
     * @throws UserInputException when a file is not JSON or a token has another shape
     */
    public static SpecialTokens read(Path modelFolder) {
        Optional<JsonNode> config = JsonFiles.readIfPresent(modelFolder.resolve(TOKENIZER_CONFIG));
        Optional<JsonNode> map = JsonFiles.readIfPresent(modelFolder.resolve(SPECIAL_TOKENS_MAP));
        return new SpecialTokens(find(modelFolder, config, map, "bos_token"),
                find(modelFolder, config, map, "eos_token"));
    }

    private static String find(Path folder, Optional<JsonNode> config, Optional<JsonNode> map,
            String key) {
        Optional<String> fromConfig =
                config.flatMap(root -> SpecialTokenText.read(root, key, folder.resolve(TOKENIZER_CONFIG)));
        if (fromConfig.isPresent()) {
            return fromConfig.get();
        }
        return map.flatMap(root -> SpecialTokenText.read(root, key, folder.resolve(SPECIAL_TOKENS_MAP))).orElse("");
    }
}
