package org.dpo4j.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.dpo4j.trainer.config.TruncationMode;
import org.dpo4j.trainer.tokenizer.ByteLevelBpe;
import org.dpo4j.trainer.tokenizer.ByteTokenizer;
import org.dpo4j.trainer.tokenizer.HfTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokenization of pairs: the prompt/completion boundary, EOS, truncation and drops. */
class PairTokenizerTest {

    private final ByteTokenizer bytes = new ByteTokenizer();

    private PairTokenizer.Outcome tokenize(int maxLength, int maxPromptLength, TruncationMode mode, PreferencePair pair) {
        return new PairTokenizer(bytes, maxLength, maxPromptLength, mode).tokenize(pair);
    }

    @Test
    void promptIsBosThenBytesAndCompletionsEndWithEos() {
        TokenizedPair p = tokenize(64, 32, TruncationMode.KEEP_START, new PreferencePair("x", "Hi", "ab", "c")).pair();
        assertArrayEquals(new int[] {ByteTokenizer.BOS, 'H', 'i'}, p.prompt());
        assertArrayEquals(new int[] {'a', 'b', ByteTokenizer.EOS}, p.chosen());
        assertArrayEquals(new int[] {'c', ByteTokenizer.EOS}, p.rejected());
    }

    @Test
    void keepStartKeepsThePromptsEndAndTheCompletionsStart() {
        // max_prompt_length 3 keeps the last 3 of BOS,a,b,c,d,e: "cde";
        // max_length 5 leaves 2 completion tokens: "xy" of "xyz" + EOS.
        PairTokenizer.Outcome o = tokenize(5, 3, TruncationMode.KEEP_START, new PreferencePair("x", "abcde", "xyz", "q"));
        assertArrayEquals(new int[] {'c', 'd', 'e'}, o.pair().prompt());
        assertArrayEquals(new int[] {'x', 'y'}, o.pair().chosen());
        assertArrayEquals(new int[] {'q', ByteTokenizer.EOS}, o.pair().rejected());
        assertTrue(o.promptTruncated() && o.completionTruncated());
    }

    @Test
    void keepEndCutsTheSharedPromptUntilTheLongerRowFits() {
        // prompt BOS,a,b,c,d (5 ≤ max_prompt_length 8); chosen x,y,z,EOS (4), rejected q,EOS (2);
        // the longer row is 9 > max_length 6: the prompt loses its first 3 tokens (BOS, a, b).
        PairTokenizer.Outcome o = tokenize(6, 8, TruncationMode.KEEP_END, new PreferencePair("x", "abcd", "xyz", "q"));
        assertArrayEquals(new int[] {'c', 'd'}, o.pair().prompt());
        assertArrayEquals(new int[] {'x', 'y', 'z', ByteTokenizer.EOS}, o.pair().chosen());
        assertArrayEquals(new int[] {'q', ByteTokenizer.EOS}, o.pair().rejected());
        assertTrue(o.promptTruncated());
        assertFalse(o.completionTruncated());
    }

    @Test
    void keepEndKeepsTheEndOfACompletionLongerThanMaxLength() {
        // chosen "123456" + EOS = 7 tokens > max_length 4: no prompt left, the last 4 tokens stay
        PairTokenizer.Outcome o = tokenize(4, 2, TruncationMode.KEEP_END, new PreferencePair("x", "p", "123456", "r"));
        assertArrayEquals(new int[0], o.pair().prompt());
        assertArrayEquals(new int[] {'4', '5', '6', ByteTokenizer.EOS}, o.pair().chosen());
        assertArrayEquals(new int[] {'r', ByteTokenizer.EOS}, o.pair().rejected());
    }

    @Test
    void aPairWithNoRoomForACompletionIsDroppedAndCounted() {
        // Config keeps max_prompt_length < max_length, so this needs the class directly:
        // BOS + 4 prompt bytes = 5 = max_length leaves no room for a completion token.
        PairTokenizer.Result result = new PairTokenizer(bytes, 5, 5, TruncationMode.KEEP_START).tokenizeAll(List.of(
                new PreferencePair("a", "abcd", "y", "z"), new PreferencePair("b", "a", "y", "z")));
        assertEquals(1, result.stats().dropped());
        assertEquals(List.of("b"), result.pairs().stream().map(TokenizedPair::id).toList());
        assertNull(new PairTokenizer(bytes, 5, 5, TruncationMode.KEEP_START)
                .tokenize(new PreferencePair("a", "abcd", "y", "z")).pair());
    }

    @Test
    void anEosThatTheTextAlreadyEndsWithIsNotDoubled() {
        // the completion text ends with the EOS token followed by whitespace, as chat templates do
        HfLikeEos tokenizer = new HfLikeEos();
        PairTokenizer.Outcome o = new PairTokenizer(tokenizer, 64, 32, TruncationMode.KEEP_START)
                .tokenize(new PreferencePair("x", "Q", "A\u0001\n", "B"));
        assertArrayEquals(new int[] {'A', 1, '\n'}, o.pair().chosen());
        assertArrayEquals(new int[] {'B', 1}, o.pair().rejected());
    }

    /** Bytes as ids, EOS = byte 1 (so it can appear in text), no BOS. */
    private static final class HfLikeEos implements org.dpo4j.trainer.tokenizer.TextTokenizer {
        private final ByteTokenizer bytes = new ByteTokenizer();

        public int[] encode(String text) {
            return bytes.encode(text);
        }

        public String decode(int[] ids) {
            return bytes.decode(ids);
        }

        public int vocabSize() {
            return 256;
        }

        public int bosId() {
            return -1;
        }

        public int eosId() {
            return 1;
        }

        public int padId() {
            return 0;
        }
    }

    @TempDir Path dir;

    @Test
    void aMergeAcrossTheBoundaryIsRetokenizedNotMasked() throws IOException {
        Map<String, String> files = ByteLevelBpe.train(TinyPrefs.corpus(), 512, ByteLevelBpe.Style.LLAMA, 128);
        for (Map.Entry<String, String> f : files.entrySet()) {
            Files.writeString(dir.resolve(f.getKey()), f.getValue());
        }
        try (HfTokenizer bpe = HfTokenizer.load(dir)) {
            String prompt = "Praise the ";
            String completion = "soup.";
            int[] promptIds = bpe.encode(prompt);
            int[] joint = bpe.encode(prompt + completion);
            // the premise: naive concatenation differs, the trailing space merges into " soup"
            assertFalse(Arrays.equals(promptIds, Arrays.copyOf(joint, promptIds.length)),
                    "the learned merges must join ' ' and 'soup' for this test to mean anything");

            PairTokenizer.Result result = new PairTokenizer(bpe, 64, 32, TruncationMode.KEEP_START)
                    .tokenizeAll(List.of(new PreferencePair("x", prompt, completion, "cake.")));
            TokenizedPair p = result.pairs().get(0);
            assertEquals(1, result.stats().boundaryRetokenized());
            // the row is BOS + prompt's own tokens + the completion's own tokens + EOS
            int[] expectedPrompt = new int[promptIds.length + 1];
            expectedPrompt[0] = bpe.bosId();
            System.arraycopy(promptIds, 0, expectedPrompt, 1, promptIds.length);
            assertArrayEquals(expectedPrompt, p.prompt());
            int[] completionIds = bpe.encode(completion);
            assertArrayEquals(completionIds, Arrays.copyOf(p.chosen(), completionIds.length));
            assertEquals(bpe.eosId(), p.chosen()[p.chosen().length - 1]);
            assertEquals(prompt + completion, bpe.decode(concat(p.prompt(), p.chosen())));

            // a prompt that ends on a word boundary keeps the joint tokenization
            PairTokenizer.Result clean = new PairTokenizer(bpe, 64, 32, TruncationMode.KEEP_START)
                    .tokenizeAll(List.of(new PreferencePair("y", "Praise the soup.\n", "It is lovely.", "It is awful.")));
            assertEquals(0, clean.stats().boundaryRetokenized());
        }
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
