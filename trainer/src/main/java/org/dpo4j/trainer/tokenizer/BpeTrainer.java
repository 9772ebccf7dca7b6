package org.dpo4j.trainer.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Learns byte-level BPE merges from a corpus, deterministically.
 *
 * <p>Texts are first cut into words with GPT-2's pre-tokenization pattern (the one the {@code
 * ByteLevel} pre-tokenizer with {@code use_regex: true} applies when encoding), so merges never
 * cross a word boundary: {@code "The soup is"} → {@code "The", " soup", " is"}. Each word starts
 * as its UTF-8 bytes (ids 0..255). Then, repeatedly: count every adjacent pair of tokens over all
 * words (weighted by how often the word occurs), take the most frequent pair, ties broken by the
 * smaller left id and then the smaller right id, and replace its occurrences left to right by
 * the merged token. Stops when {@code maxNewTokens} tokens have been learned or no pair occurs at
 * least {@value #MIN_PAIR_COUNT} times (a pair seen once would only memorise that word).
 *
 * <p>A merge whose bytes already form a token (reached by another pair) reuses that token's id,
 * so token bytes are unique and the merge list may be longer than the new tokens.
 *
 * <p>Cost: O(merges × symbols in the distinct words); the distinct words of a natural-language
 * corpus are few, so corpora of some megabytes train in seconds.
 */
final class BpeTrainer {

    static final int MIN_PAIR_COUNT = 2;

    /** GPT-2's pattern; Unicode classes to match the Oniguruma regex of the Rust library. */
    private static final Pattern WORDS = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    /** One merge: two token ids whose concatenation is token {@code result}. */
    record Merge(int left, int right, int result) {}

    /**
     * What was learned.
     *
     * @param tokens bytes of every token by id: the 256 single bytes, then the learned tokens
     * @param merges in rank order (the order Hugging Face applies them)
     */
    record Learned(List<byte[]> tokens, List<Merge> merges) {}

    private BpeTrainer() {}

    static Learned learn(List<String> corpus, int maxNewTokens) {
        List<byte[]> tokens = new ArrayList<>();
        Map<String, Integer> idOfBytes = new HashMap<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(new byte[] {(byte) b});
            idOfBytes.put(key(tokens.get(b)), b);
        }
        Words words = Words.of(corpus);
        List<Merge> merges = new ArrayList<>();
        while (tokens.size() - 256 < maxNewTokens) {
            long best = words.mostFrequentPair();
            if (best < 0) {
                break;
            }
            int left = (int) (best >>> 32);
            int right = (int) best;
            byte[] merged = concat(tokens.get(left), tokens.get(right));
            Integer result = idOfBytes.get(key(merged));
            if (result == null) {
                result = tokens.size();
                tokens.add(merged);
                idOfBytes.put(key(merged), result);
            }
            merges.add(new Merge(left, right, result));
            words.apply(left, right, result);
        }
        return new Learned(List.copyOf(tokens), List.copyOf(merges));
    }

    /** The distinct words of the corpus as token ids, with their counts. */
    private static final class Words {
        private final List<int[]> symbols;
        private final long[] counts;

        private Words(List<int[]> symbols, long[] counts) {
            this.symbols = symbols;
            this.counts = counts;
        }

        static Words of(List<String> corpus) {
            // Sorted, so that the words' order (and with it everything after) is the same in
            // every run; it does not change the counts.
            Map<String, Long> counts = new TreeMap<>();
            for (String text : corpus) {
                Matcher m = WORDS.matcher(text);
                while (m.find()) {
                    counts.merge(m.group(), 1L, Long::sum);
                }
            }
            List<int[]> symbols = new ArrayList<>(counts.size());
            long[] weights = new long[counts.size()];
            int i = 0;
            for (Map.Entry<String, Long> e : counts.entrySet()) {
                byte[] bytes = e.getKey().getBytes(StandardCharsets.UTF_8);
                int[] ids = new int[bytes.length];
                for (int j = 0; j < bytes.length; j++) {
                    ids[j] = bytes[j] & 0xFF;
                }
                symbols.add(ids);
                weights[i++] = e.getValue();
            }
            return new Words(symbols, weights);
        }

        /** The pair as {@code left << 32 | right}, or -1 when none occurs often enough. */
        long mostFrequentPair() {
            Map<Long, Long> pairCounts = new HashMap<>();
            for (int w = 0; w < symbols.size(); w++) {
                int[] s = symbols.get(w);
                for (int i = 0; i + 1 < s.length; i++) {
                    pairCounts.merge(pair(s[i], s[i + 1]), counts[w], Long::sum);
                }
            }
            long best = -1;
            long bestCount = MIN_PAIR_COUNT - 1;
            for (Map.Entry<Long, Long> e : pairCounts.entrySet()) {
                long count = e.getValue();
                // Ids are non-negative ints, so comparing the packed longs orders by (left, right).
                if (count > bestCount || (count == bestCount && best >= 0 && e.getKey() < best)) {
                    best = e.getKey();
                    bestCount = count;
                }
            }
            return best;
        }

        void apply(int left, int right, int result) {
            for (int w = 0; w < symbols.size(); w++) {
                int[] s = symbols.get(w);
                int[] out = new int[s.length];
                int n = 0;
                for (int i = 0; i < s.length; i++) {
                    if (i + 1 < s.length && s[i] == left && s[i + 1] == right) {
                        out[n++] = result;
                        i++;
                    } else {
                        out[n++] = s[i];
                    }
                }
                if (n < s.length) {
                    symbols.set(w, Arrays.copyOf(out, n));
                }
            }
        }

        private static long pair(int left, int right) {
            return ((long) left << 32) | right;
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** A map key for a byte string: ISO-8859-1 maps each byte to one char, so it is injective. */
    private static String key(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
