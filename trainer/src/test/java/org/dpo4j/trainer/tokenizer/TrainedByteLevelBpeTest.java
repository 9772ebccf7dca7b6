package org.dpo4j.trainer.tokenizer;

import org.dpo4j.trainer.data.TinyPrefs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.dpo4j.trainer.tokenizer.ByteLevelBpe.Style;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ByteLevelBpe#train}: files Hugging Face tokenizers loads, with merges that work. */
class TrainedByteLevelBpeTest {

    private static final int TARGET = 400;

    @TempDir static Path dir;
    private static Map<String, String> files;
    private static HfTokenizer tokenizer;

    @BeforeAll
    static void trainOnBuiltInData() {
        files = ByteLevelBpe.train(TinyPrefs.corpus(), TARGET, Style.LLAMA, 128);
        tokenizer = HfTokenizer.load(TokenizerFolders.write(files, dir.resolve("llama")));
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void filesAndSpecialTokens() {
        assertEquals(List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"),
                new ArrayList<>(files.keySet()));
        assertEquals(256, tokenizer.bosId());
        assertEquals(257, tokenizer.eosId());
        assertEquals(258, tokenizer.padId());
        assertEquals(Map.of("<|begin_of_text|>", 256, "<|end_of_text|>", 257, "<|pad|>", 258),
                Map.of("<|begin_of_text|>", tokenizer.vocabulary().get("<|begin_of_text|>"),
                        "<|end_of_text|>", tokenizer.vocabulary().get("<|end_of_text|>"),
                        "<|pad|>", tokenizer.vocabulary().get("<|pad|>")));
    }

    @Test
    void reachesTheTargetVocabularySizeWhenTheCorpusHasEnoughPairs() {
        // On the built-in data training runs out of pairs seen twice only at 533 = 259 + 274
        // learned tokens, so 400 is reached exactly; the ids are 0..399 without a gap.
        assertEquals(TARGET, tokenizer.vocabSize());
        assertEquals(TARGET, tokenizer.vocabulary().size());
    }

    @Test
    void neverExceedsTheTargetAndStopsWhenPairsRunOut() throws Exception {
        for (int target : new int[] {259, 260, 300, 5000}) {
            Map<String, String> small = ByteLevelBpe.train(TinyPrefs.corpus(), target, Style.LLAMA, 128);
            try (HfTokenizer t = HfTokenizer.load(TokenizerFolders.write(small, dir.resolve("t" + target)))) {
                assertTrue(t.vocabSize() <= target, "target " + target + ": " + t.vocabSize());
                assertEquals(t.vocabulary().size(), t.vocabSize());
                if (target <= TARGET) {
                    assertEquals(target, t.vocabSize());
                } else {
                    assertTrue(t.vocabSize() < target, "the corpus runs out of pairs first");
                }
            }
        }
    }

    @Test
    void handDerivedMergesOnTinyCorpora() throws Exception {
        // "aaaa" is one word: (a,a) occurs 3 times -> merge "a a" gives "aa"; then (aa,aa) occurs
        // once, below the minimum of 2, so training stops: vocabulary 256 + 3 + 1 = 260.
        Map<String, String> aaaa = ByteLevelBpe.train(List.of("aaaa"), 1000, Style.LLAMA, 128);
        assertEquals(List.of("a a"), merges(aaaa));
        try (HfTokenizer t = HfTokenizer.load(TokenizerFolders.write(aaaa, dir.resolve("aaaa")))) {
            assertEquals(260, t.vocabSize());
            assertEquals(259, t.vocabulary().get("aa"));
            assertArrayEquals(new int[] {259, 259}, t.encode("aaaa"));
            assertArrayEquals(new int[] {259, 'a'}, t.encode("aaa"));
        }
        // "ab cd ab cd" splits into "ab", " cd", " ab", " cd" (space = byte 32, written Ġ).
        // Pairs: (a,b) 2, (Ġ,c) 2, (c,d) 2, (Ġ,a) 1. Ties go to the smaller left id: Ġ (32)
        // first -> "Ġ c" = id 259. Then (a,b) 2 and (Ġc,d) 2: 'a' (97) < 259 -> "a b" = 260. Then
        // (Ġc,d) 2 -> "Ġc d" = 261. Only (Ġ,ab) 1 is left: stop.
        Map<String, String> tie = ByteLevelBpe.train(List.of("ab cd ab cd"), 1000, Style.LLAMA, 128);
        assertEquals(List.of("Ġ c", "a b", "Ġc d"), merges(tie));
        try (HfTokenizer t = HfTokenizer.load(TokenizerFolders.write(tie, dir.resolve("tie")))) {
            assertEquals(262, t.vocabSize());
            assertArrayEquals(new int[] {260, 261, 'Q'}, t.encode("ab cdQ"));
            assertArrayEquals(new int[] {' ', 260}, t.encode(" ab"));
        }
    }

    @Test
    void roundTripsRandomTextExactly() {
        Random random = new Random(11);
        for (int i = 0; i < 2000; i++) {
            String text = TokenizerFolders.randomText(random, 40);
            assertEquals(text, tokenizer.decode(tokenizer.encode(text)));
        }
        for (String text : TinyPrefs.corpus().subList(0, 300)) {
            assertEquals(text, tokenizer.decode(tokenizer.encode(text)));
        }
    }

    @Test
    void usesMergesOnCorpusText() {
        long bytes = 0;
        long ids = 0;
        for (String text : TinyPrefs.corpus()) {
            bytes += text.getBytes(StandardCharsets.UTF_8).length;
            ids += tokenizer.encode(text).length;
        }
        // Words of the data become one or two tokens: at least 2.5 bytes per token on average.
        assertTrue(ids * 5 < bytes * 2, ids + " ids for " + bytes + " bytes");
        int[] praise = tokenizer.encode("Praise the soup.\n");
        assertTrue(praise.length < "Praise the soup.\n".length());
    }

    @Test
    void deterministic() {
        Map<String, String> again = ByteLevelBpe.train(TinyPrefs.corpus(), TARGET, Style.LLAMA, 128);
        assertEquals(files, again);
        for (String name : files.keySet()) {
            assertArrayEquals(files.get(name).getBytes(StandardCharsets.UTF_8),
                    again.get(name).getBytes(StandardCharsets.UTF_8), name);
        }
        assertNotEquals(files, ByteLevelBpe.train(TinyPrefs.corpus(), TARGET - 1, Style.LLAMA, 128));
    }

    @Test
    void gpt2StyleHasOneSpecialTokenAndNoBos() throws Exception {
        Map<String, String> gpt2 = ByteLevelBpe.train(TinyPrefs.corpus(), 300, Style.GPT2, 128);
        try (HfTokenizer t = HfTokenizer.load(TokenizerFolders.write(gpt2, dir.resolve("gpt2")))) {
            assertEquals(-1, t.bosId());
            assertEquals(256, t.eosId());
            assertEquals(256, t.padId(), "no pad_token: PAD falls back to EOS");
            assertEquals(300, t.vocabSize());
            String text = "Criticise the movie.\n";
            assertEquals(text, t.decode(t.encode(text)));
        }
        JsonNode config = new ObjectMapper().readTree(gpt2.get("tokenizer_config.json"));
        assertEquals("<|endoftext|>", config.get("bos_token").asText());
        assertEquals("<|endoftext|>", config.get("eos_token").asText());
        assertEquals("PreTrainedTokenizerFast", config.get("tokenizer_class").asText());
        assertEquals(128, config.get("model_max_length").asInt());
    }

    @Test
    void rejectsATargetBelowBytesPlusSpecials() {
        assertThrows(IllegalArgumentException.class,
                () -> ByteLevelBpe.train(List.of("x"), 258, Style.LLAMA, 128));
        assertEquals(259, Style.LLAMA.minVocabSize());
        assertEquals(257, Style.GPT2.minVocabSize());
        Map<String, String> bytesOnly = ByteLevelBpe.train(List.of(), 257, Style.GPT2, 8);
        try (HfTokenizer t = HfTokenizer.load(TokenizerFolders.write(bytesOnly, dir.resolve("min")))) {
            assertEquals(257, t.vocabSize());
        }
    }

    private static List<String> merges(Map<String, String> files) throws Exception {
        JsonNode merges = new ObjectMapper().readTree(files.get("tokenizer.json")).path("model").path("merges");
        List<String> out = new ArrayList<>();
        merges.forEach(m -> out.add(m.asText()));
        return out;
    }
}
