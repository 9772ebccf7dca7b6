package org.dpo4j.trainer.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import org.dpo4j.trainer.common.DjlEnvironment;
import org.dpo4j.trainer.common.UserInputException;

/**
 * A Hugging Face fast tokenizer ({@code tokenizer.json}) read through DJL's binding of the Rust
 * {@code tokenizers} library, with the special tokens of its model folder.
 *
 * <p>Encoding never adds special tokens, pads or truncates: the data pipeline places BOS and EOS
 * and cuts sequences itself. DJL's defaults do all three (truncation at 512 tokens), so each is
 * switched off explicitly. Special tokens:
 *
 * <ul>
 *   <li>EOS and PAD: see {@link SpecialTokenIds} (PAD falls back to EOS, as in TRL);
 *   <li>BOS: the token the tokenizer's own post-processor puts first when special tokens are on,
 *       i.e. what {@code tokenizer(text)} adds in Python ({@code <s>}, {@code
 *       <|begin_of_text|>} for Llama; none for GPT-2 and Qwen2), else -1. Found by encoding a
 *       probe text with and without special tokens, so it follows the post-processor whatever
 *       its type rather than a {@code bos_token} entry the post-processor may ignore.
 * </ul>
 *
 * Encoding may run on several threads at once; close only when no call is running.
 */
public final class HfTokenizer implements TextTokenizer, AutoCloseable {

    static final String TOKENIZER_JSON = "tokenizer.json";
    private static final String PROBE = "Hello world";

    private final HuggingFaceTokenizer tokenizer;
    private final Map<String, Integer> vocabulary;
    private final int vocabSize;
    private final int bosId;
    private final int eosId;
    private final int padId;

    private HfTokenizer(HuggingFaceTokenizer tokenizer, Map<String, Integer> vocabulary,
            SpecialTokenIds specials) {
        this.tokenizer = tokenizer;
        this.vocabulary = vocabulary;
        this.vocabSize = 1 + Collections.max(vocabulary.values(), Integer::compare);
        this.bosId = detectBos(tokenizer);
        this.eosId = specials.eos();
        this.padId = specials.pad();
    }

    /**
     * Loads {@code modelDir/tokenizer.json} and the special tokens of the folder.
     *
     * @throws UserInputException one line each: the folder does not exist; it has no
     *     tokenizer.json (with how to convert a {@code tokenizer.model}); tokenizer.json is not
     *     JSON ({@code file:line:column}) or not a tokenizer the library can load; no EOS token
     *     (naming the places looked at); a named special token is not in the vocabulary
     */
    public static HfTokenizer load(Path modelDir) {
        if (!Files.isDirectory(modelDir)) {
            throw new UserInputException(modelDir + ": no such model folder");
        }
        Path file = modelDir.resolve(TOKENIZER_JSON);
        if (!Files.isRegularFile(file)) {
            throw missingTokenizerJson(modelDir);
        }
        Map<String, Integer> vocabulary = TokenizerJsonVocabulary.read(file);
        if (vocabulary.isEmpty()) {
            throw new UserInputException(file + ": the vocabulary is empty");
        }
        SpecialTokenIds specials = SpecialTokenIds.resolve(modelDir, vocabulary);
        HuggingFaceTokenizer tokenizer = openNative(file);
        try {
            return new HfTokenizer(tokenizer, vocabulary, specials);
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    private static UserInputException missingTokenizerJson(Path modelDir) {
        String convert = "; convert it with Python: AutoTokenizer.from_pretrained(dir).save_pretrained(dir)";
        if (Files.exists(modelDir.resolve("tokenizer.model"))) {
            return new UserInputException(modelDir + ": has tokenizer.model but no " + TOKENIZER_JSON
                    + ": only the fast-tokenizer format " + TOKENIZER_JSON + " is supported" + convert);
        }
        if (Files.exists(modelDir.resolve("vocab.json"))) {
            return new UserInputException(modelDir + ": has vocab.json but no " + TOKENIZER_JSON
                    + ": only the fast-tokenizer format " + TOKENIZER_JSON + " is supported" + convert);
        }
        return new UserInputException(modelDir + ": no " + TOKENIZER_JSON
                + " (a Hugging Face model folder with a fast tokenizer is needed)");
    }

    private static HuggingFaceTokenizer openNative(Path file) {
        // Offline before the first call: otherwise DJL looks up EC2 metadata (and, on a CUDA
        // machine, may try to download a GPU build of the native library).
        DjlEnvironment.configure();
        try {
            return HuggingFaceTokenizer.builder()
                    .optTokenizerPath(file)
                    .optAddSpecialTokens(false)
                    .optPadding(false)
                    .optTruncation(false)
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (RuntimeException e) {
            // The Rust library rejects a JSON file that is not a tokenizer (unknown model type,
            // missing fields) with a RuntimeException whose message says what it expected.
            throw new UserInputException(file + ": not a tokenizer Hugging Face tokenizers can load ("
                    + String.valueOf(e.getMessage()).replaceAll("\\s+", " ").trim() + ")", e);
        }
    }

    private static int detectBos(HuggingFaceTokenizer tokenizer) {
        Encoding plain = tokenizer.encode(PROBE, false, false);
        Encoding special = tokenizer.encode(PROBE, true, false);
        long[] withSpecials = special.getIds();
        long[] without = plain.getIds();
        // A prepended special token: the sequence grew, its first token is marked special, and
        // the plain ids follow it.
        boolean prepended = withSpecials.length > without.length
                && special.getSpecialTokenMask()[0] == 1
                && Arrays.equals(withSpecials, 1, 1 + without.length, without, 0, without.length);
        return prepended ? Math.toIntExact(withSpecials[0]) : -1;
    }

    /**
     * {@inheritDoc}
     *
     * <p>A lone surrogate (invalid UTF-16, e.g. from a JSON escape of an unpaired surrogate) is
     * encoded as {@code '?'}, as Java's UTF-8 encoder and so {@link ByteTokenizer} do; passed on
     * as is, the native binding would see three U+FFFD characters instead.
     */
    @Override
    public int[] encode(String text) {
        long[] ids = tokenizer.encode(wellFormed(text), false, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    private static String wellFormed(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
            }
        }
        return text;
    }

    /** Text of {@code ids}, special tokens dropped; negative ids (padding labels) are ignored. */
    @Override
    public String decode(int[] ids) {
        long[] longs = Arrays.stream(ids).filter(id -> id >= 0).asLongStream().toArray();
        return tokenizer.decode(longs, true);
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public int bosId() {
        return bosId;
    }

    @Override
    public int eosId() {
        return eosId;
    }

    @Override
    public int padId() {
        return padId;
    }

    /**
     * Token text → id, the model's vocabulary and the added tokens (unmodifiable). Two tokenizers
     * encode alike when these maps are equal and their pipelines are the same; compare them to
     * check that a policy and its reference share a vocabulary.
     */
    public Map<String, Integer> vocabulary() {
        return vocabulary;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
