package org.dpo4j.trainer.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where EOS, PAD and BOS come from. Every folder shares the tokenizer.json of
 * {@link ByteLevelBpe#forByteTokenizer}: {@code <|begin_of_text|>} 256, {@code <|end_of_text|>}
 * 257, {@code <|pad|>} 258, byte b = id b; only the side files differ.
 */
class HfTokenizerSpecialTokensTest {

    private static final String TOKENIZER_JSON = ByteLevelBpe.forByteTokenizer(64).get("tokenizer.json");

    @TempDir Path root;
    private int folders;

    /** A folder with the shared tokenizer.json and {@code sideFiles} (name → content). */
    private Path folder(Map<String, String> sideFiles) {
        Path dir = TokenizerFolders.write(root.resolve("m" + folders++), "tokenizer.json", TOKENIZER_JSON);
        return TokenizerFolders.write(sideFiles, dir);
    }

    private static int[] eosPad(Path dir) {
        try (HfTokenizer t = HfTokenizer.load(dir)) {
            return new int[] {t.eosId(), t.padId()};
        }
    }

    private void assertEosPad(int eos, int pad, Map<String, String> sideFiles) {
        int[] got = eosPad(folder(sideFiles));
        assertEquals(eos, got[0], "eos for " + sideFiles);
        assertEquals(pad, got[1], "pad for " + sideFiles);
    }

    @Test
    void eosFromTokenizerConfigAsStringOrAddedToken() {
        assertEosPad(257, 257, Map.of("tokenizer_config.json", "{\"eos_token\": \"<|end_of_text|>\"}"));
        assertEosPad(258, 258, Map.of("tokenizer_config.json",
                "{\"eos_token\": {\"__type\": \"AddedToken\", \"content\": \"<|pad|>\", \"lstrip\": false}}"));
        // An ordinary token may serve: "A" is byte 65.
        assertEosPad(65, 65, Map.of("tokenizer_config.json", "{\"eos_token\": \"A\"}"));
    }

    @Test
    void eosFromSpecialTokensMapWhenTheConfigHasNone() {
        assertEosPad(257, 257, Map.of("special_tokens_map.json", "{\"eos_token\": \"<|end_of_text|>\"}"));
        assertEosPad(257, 257, Map.of(
                "tokenizer_config.json", "{\"eos_token\": null, \"model_max_length\": 8}",
                "special_tokens_map.json", "{\"eos_token\": {\"content\": \"<|end_of_text|>\"}}"));
    }

    @Test
    void eosFromModelConfigIdOrFirstOfList() {
        assertEosPad(257, 257, Map.of("config.json", "{\"eos_token_id\": 257}"));
        assertEosPad(258, 258, Map.of("config.json", "{\"eos_token_id\": [258, 257]}"));
    }

    @Test
    void firstPlaceWins() {
        assertEosPad(257, 257, Map.of(
                "tokenizer_config.json", "{\"eos_token\": \"<|end_of_text|>\"}",
                "special_tokens_map.json", "{\"eos_token\": \"<|pad|>\"}",
                "config.json", "{\"eos_token_id\": 65}"));
        assertEosPad(258, 258, Map.of(
                "special_tokens_map.json", "{\"eos_token\": \"<|pad|>\"}",
                "config.json", "{\"eos_token_id\": 65}"));
    }

    @Test
    void padFromEachPlaceElseEos() {
        assertEosPad(257, 258, Map.of("tokenizer_config.json",
                "{\"eos_token\": \"<|end_of_text|>\", \"pad_token\": \"<|pad|>\"}"));
        assertEosPad(257, 258, Map.of(
                "tokenizer_config.json", "{\"eos_token\": \"<|end_of_text|>\", \"pad_token\": null}",
                "special_tokens_map.json", "{\"pad_token\": {\"content\": \"<|pad|>\"}}"));
        assertEosPad(257, 0, Map.of("config.json", "{\"eos_token_id\": 257, \"pad_token_id\": 0}"));
        assertEosPad(257, 257, Map.of("config.json", "{\"eos_token_id\": 257, \"pad_token_id\": null}"));
    }

    @Test
    void generatedFilesGiveByteTokenizerIds() {
        Path dir = TokenizerFolders.write(ByteLevelBpe.forByteTokenizer(64), root.resolve("generated"));
        assertEquals(257, eosPad(dir)[0]);
        assertEquals(258, eosPad(dir)[1]);
    }

    @Test
    void bosIsWhatThePostProcessorPrepends() {
        try (HfTokenizer t = HfTokenizer.load(folder(Map.of("config.json", "{\"eos_token_id\": 257}")))) {
            assertEquals(256, t.bosId());
        }
        // Without a post-processor nothing is prepended, even though bos_token names a token.
        String noPostProcessor = TOKENIZER_JSON.replaceFirst(
                "\"post_processor\": \\{[\\s\\S]*?\n  },\n  \"decoder\"", "\"post_processor\": null,\n  \"decoder\"");
        Path dir = TokenizerFolders.write(Map.of(
                "tokenizer.json", noPostProcessor,
                "tokenizer_config.json", "{\"bos_token\": \"<|begin_of_text|>\", \"eos_token\": \"<|end_of_text|>\"}"),
                root.resolve("plain"));
        try (HfTokenizer t = HfTokenizer.load(dir)) {
            assertEquals(-1, t.bosId());
            assertEquals(257, t.eosId());
        }
        // A template that appends (BERT-like "$A [EOS]") prepends nothing either.
        String appending = TOKENIZER_JSON.replace(
                "\"single\": [\n      {\n        \"SpecialToken\": {\n          \"id\": \"<|begin_of_text|>\",\n          \"type_id\": 0\n        }\n      },\n      {\n        \"Sequence\": {\n          \"id\": \"A\",\n          \"type_id\": 0\n        }\n      }\n    ]",
                "\"single\": [{\"Sequence\": {\"id\": \"A\", \"type_id\": 0}}, {\"SpecialToken\": {\"id\": \"<|begin_of_text|>\", \"type_id\": 0}}]");
        assertEquals(false, appending.equals(TOKENIZER_JSON), "the template was rewritten");
        Path appendDir = TokenizerFolders.write(Map.of("tokenizer.json", appending,
                "config.json", "{\"eos_token_id\": 257}"), root.resolve("append"));
        try (HfTokenizer t = HfTokenizer.load(appendDir)) {
            assertEquals(-1, t.bosId());
        }
    }

    @Test
    void vocabularyComparesTokenizers() {
        Map<String, String> side = Map.of("config.json", "{\"eos_token_id\": 257}");
        try (HfTokenizer a = HfTokenizer.load(folder(side)); HfTokenizer b = HfTokenizer.load(folder(side))) {
            assertEquals(a.vocabulary(), b.vocabulary());
            assertEquals(32, a.vocabulary().get("Ġ"), "space is byte 32, written U+0120");
            assertEquals(10, a.vocabulary().get("Ċ"), "newline is byte 10, written U+010A");
        }
    }

    @Test
    void unigramVocabularyIdsArePositions() {
        String unigram = "{\"version\": \"1.0\", \"added_tokens\": [{\"id\": 3, \"content\": \"</s>\", \"single_word\": false,"
                + " \"lstrip\": false, \"rstrip\": false, \"normalized\": false, \"special\": true}],"
                + " \"normalizer\": null, \"pre_tokenizer\": null, \"post_processor\": null, \"decoder\": null,"
                + " \"model\": {\"type\": \"Unigram\", \"unk_id\": 0,"
                + " \"vocab\": [[\"<unk>\", 0.0], [\"a\", -1.0], [\"b\", -2.0], [\"</s>\", 0.0], [\"ab\", -0.5]]}}";
        Path dir = TokenizerFolders.write(Map.of("tokenizer.json", unigram,
                "special_tokens_map.json", "{\"eos_token\": \"</s>\"}"), root.resolve("unigram"));
        try (HfTokenizer t = HfTokenizer.load(dir)) {
            assertEquals(Map.of("<unk>", 0, "a", 1, "b", 2, "</s>", 3, "ab", 4), t.vocabulary());
            assertEquals(5, t.vocabSize());
            assertEquals(3, t.eosId());
            assertEquals(-1, t.bosId());
            // "ab" scores -0.5 against -1 + -2 for "a" "b": one token.
            assertEquals(1, t.encode("ab").length);
        }
    }
}
