package org.dpo4j.trainer.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.dpo4j.trainer.common.JsonFiles;
import org.dpo4j.trainer.common.UserInputException;

/**
 * The EOS and PAD ids of a Hugging Face model folder, looked up where transformers and TRL look.
 *
 * <p>EOS, first found wins:
 *
 * <ol>
 *   <li>{@code tokenizer_config.json} {@code "eos_token"}: a string {@code "</s>"} or an
 *       AddedToken object {@code {"content": "</s>", ...}};
 *   <li>{@code special_tokens_map.json} {@code "eos_token"}, same forms;
 *   <li>{@code config.json} {@code "eos_token_id"}: an id {@code 2} or a list {@code [128001,
 *       128008]} (the first is taken).
 * </ol>
 *
 * PAD: {@code pad_token} / {@code pad_token_id} in the same places, else the EOS id (what TRL
 * does for tokenizers without one, e.g. GPT-2 and Llama). A {@code null} value counts as
 * absent. A token given by text must be in the tokenizer's vocabulary.
 *
 * @param eos end-of-sequence id
 * @param pad padding id
 */
record SpecialTokenIds(int eos, int pad) {

    static final String TOKENIZER_CONFIG = "tokenizer_config.json";
    static final String SPECIAL_TOKENS_MAP = "special_tokens_map.json";
    static final String MODEL_CONFIG = "config.json";

    /**
     * @param vocabulary token → id of the folder's tokenizer.json
     * @throws UserInputException when no EOS is found (naming the places looked at), when a named
     *     token is not in the vocabulary, or when a file is malformed
     */
    static SpecialTokenIds resolve(Path modelDir, Map<String, Integer> vocabulary) {
        List<SideFile> byText = List.of(
                SideFile.read(modelDir, TOKENIZER_CONFIG), SideFile.read(modelDir, SPECIAL_TOKENS_MAP));
        SideFile modelConfig = SideFile.read(modelDir, MODEL_CONFIG);
        OptionalInt eos = find("eos", byText, modelConfig, vocabulary);
        if (eos.isEmpty()) {
            throw new UserInputException(modelDir + ": no EOS token: looked for eos_token in "
                    + TOKENIZER_CONFIG + " and " + SPECIAL_TOKENS_MAP + ", and eos_token_id in "
                    + MODEL_CONFIG);
        }
        OptionalInt pad = find("pad", byText, modelConfig, vocabulary);
        return new SpecialTokenIds(eos.getAsInt(), pad.orElse(eos.getAsInt()));
    }

    /** One optional JSON file of the folder; {@code json} is empty when the file is absent. */
    private record SideFile(Path path, Optional<JsonNode> json) {
        static SideFile read(Path dir, String name) {
            Path path = dir.resolve(name);
            return new SideFile(path, JsonFiles.readIfPresent(path));
        }
    }

    /** {@code kind} is "eos" or "pad": {@code <kind>_token} by text first, then {@code <kind>_token_id}. */
    private static OptionalInt find(
            String kind, List<SideFile> byText, SideFile byId, Map<String, Integer> vocabulary) {
        String key = kind + "_token";
        for (SideFile file : byText) {
            Optional<String> token = file.json().flatMap(root -> SpecialTokenText.read(root, key, file.path()));
            if (token.isPresent()) {
                Integer id = vocabulary.get(token.get());
                if (id == null) {
                    throw new UserInputException(file.path() + ": " + key + " '" + token.get()
                            + "' is not a token of tokenizer.json");
                }
                return OptionalInt.of(id);
            }
        }
        return byId.json().map(root -> tokenId(root, key + "_id", byId.path())).orElse(OptionalInt.empty());
    }

    /** {@code "key": 2} or {@code "key": [2, 5]} (the first); null, missing or []: empty. */
    private static OptionalInt tokenId(JsonNode root, String key, Path file) {
        JsonNode value = root.path(key);
        if (value.isArray()) {
            if (value.isEmpty()) {
                return OptionalInt.empty();
            }
            value = value.get(0);
        }
        if (value.isMissingNode() || value.isNull()) {
            return OptionalInt.empty();
        }
        if (value.isIntegralNumber() && value.canConvertToInt() && value.asInt() >= 0) {
            return OptionalInt.of(value.asInt());
        }
        throw new UserInputException(file + ": " + key
                + " must be a non-negative integer or a list of them, got " + root.path(key));
    }
}
