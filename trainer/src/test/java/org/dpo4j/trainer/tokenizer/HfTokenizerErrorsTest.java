package org.dpo4j.trainer.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.dpo4j.trainer.common.UserInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every mistake in a model folder is one line naming the file and what is wrong. */
class HfTokenizerErrorsTest {

    private static final String TOKENIZER_JSON = ByteLevelBpe.forByteTokenizer(64).get("tokenizer.json");

    @TempDir Path root;

    private static String error(Path dir) {
        String message = assertThrows(UserInputException.class, () -> HfTokenizer.load(dir)).getMessage();
        assertFalse(message.contains("\n"), "one line: " + message);
        return message;
    }

    private Path folder(String name, Map<String, String> files) throws Exception {
        Path dir = root.resolve(name);
        Files.createDirectories(dir);
        return TokenizerFolders.write(files, dir);
    }

    @Test
    void missingFolder() {
        Path dir = root.resolve("nowhere");
        assertEquals(dir + ": no such model folder", error(dir));
    }

    @Test
    void noTokenizerJson() throws Exception {
        Path empty = folder("empty", Map.of());
        assertEquals(empty + ": no tokenizer.json (a Hugging Face model folder with a fast tokenizer is needed)",
                error(empty));
        Path sentencePiece = folder("sp", Map.of("tokenizer.model", "not read"));
        assertEquals(sentencePiece + ": has tokenizer.model but no tokenizer.json: only the fast-tokenizer format"
                + " tokenizer.json is supported; convert it with Python:"
                + " AutoTokenizer.from_pretrained(dir).save_pretrained(dir)", error(sentencePiece));
        Path slowBpe = folder("slow", Map.of("vocab.json", "{}", "merges.txt", ""));
        assertTrue(error(slowBpe).startsWith(slowBpe + ": has vocab.json but no tokenizer.json: only the"));
    }

    @Test
    void malformedTokenizerJsonNamesLineAndColumn() throws Exception {
        Path dir = folder("bad", Map.of("tokenizer.json", "{\n  \"model\": {\"vocab\": {\"a\": 0,}}\n}"));
        String message = error(dir);
        assertTrue(message.startsWith(dir.resolve("tokenizer.json") + ":2:"), message);
        assertTrue(message.contains("malformed JSON"), message);
    }

    @Test
    void jsonThatIsNoTokenizer() throws Exception {
        Path noVocab = folder("novocab", Map.of("tokenizer.json", "{\"model\": {\"type\": \"BPE\"}}"));
        assertEquals(noVocab.resolve("tokenizer.json") + ": no model.vocab (a tokenizer model with a vocabulary is needed)",
                error(noVocab));
        // Column 27 is where "zero" starts.
        Path badId = folder("badid", Map.of("tokenizer.json", "{\"model\": {\"vocab\": {\"a\": \"zero\"}}}"));
        assertEquals(badId.resolve("tokenizer.json") + ":1:27: model.vocab[\"a\"] must be a non-negative integer id",
                error(badId));
        Path unknownType = folder("unknown", Map.of(
                "tokenizer.json", "{\"model\": {\"type\": \"Mystery\", \"vocab\": {\"a\": 0}}}",
                "config.json", "{\"eos_token_id\": 0}"));
        String message = error(unknownType);
        assertTrue(message.startsWith(unknownType.resolve("tokenizer.json")
                + ": not a tokenizer Hugging Face tokenizers can load ("), message);
    }

    @Test
    void noEosSaysWhereItLooked() throws Exception {
        Path dir = folder("noeos", Map.of("tokenizer.json", TOKENIZER_JSON,
                "tokenizer_config.json", "{\"bos_token\": \"<|begin_of_text|>\"}"));
        assertEquals(dir + ": no EOS token: looked for eos_token in tokenizer_config.json and"
                + " special_tokens_map.json, and eos_token_id in config.json", error(dir));
    }

    @Test
    void specialTokenNotInTheVocabulary() throws Exception {
        Path dir = folder("unknowneos", Map.of("tokenizer.json", TOKENIZER_JSON,
                "tokenizer_config.json", "{\"eos_token\": \"</s>\"}"));
        assertEquals(dir.resolve("tokenizer_config.json") + ": eos_token '</s>' is not a token of tokenizer.json",
                error(dir));
        Path pad = folder("unknownpad", Map.of("tokenizer.json", TOKENIZER_JSON,
                "special_tokens_map.json", "{\"eos_token\": \"<|end_of_text|>\", \"pad_token\": \"[PAD]\"}"));
        assertEquals(pad.resolve("special_tokens_map.json") + ": pad_token '[PAD]' is not a token of tokenizer.json",
                error(pad));
    }

    @Test
    void badSideFiles() throws Exception {
        Path malformed = folder("badconfig", Map.of("tokenizer.json", TOKENIZER_JSON,
                "tokenizer_config.json", "{\"eos_token\": }"));
        String message = error(malformed);
        assertTrue(message.startsWith(malformed.resolve("tokenizer_config.json") + ":1:"), message);
        assertTrue(message.contains("malformed JSON"), message);
        Path number = folder("number", Map.of("tokenizer.json", TOKENIZER_JSON,
                "tokenizer_config.json", "{\"eos_token\": 2}"));
        assertEquals(number.resolve("tokenizer_config.json")
                + ": eos_token must be a string or an object with a string \"content\", got 2", error(number));
        Path text = folder("text", Map.of("tokenizer.json", TOKENIZER_JSON, "config.json", "{\"eos_token_id\": \"2\"}"));
        assertEquals(text.resolve("config.json")
                + ": eos_token_id must be a non-negative integer or a list of them, got \"2\"", error(text));
    }
}
