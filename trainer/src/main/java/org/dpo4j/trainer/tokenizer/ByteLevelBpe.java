package org.dpo4j.trainer.tokenizer;

import java.util.List;
import java.util.Map;

/**
 * Builds the files of a working Hugging Face byte-level BPE tokenizer, in Java: {@code
 * tokenizer.json}, {@code tokenizer_config.json} ({@code PreTrainedTokenizerFast}) and {@code
 * special_tokens_map.json}, returned as an ordered map file name → content (UTF-8 text) for the
 * caller to write. {@code AutoTokenizer.from_pretrained(dir)} and {@link HfTokenizer#load} read
 * them.
 *
 * <p>Every id layout starts the same way: byte {@code b} is id {@code b} (0..255, written with
 * GPT-2's byte-to-character mapping), then the special tokens of the {@link Style}, then the
 * learned merges' tokens. Any string encodes, so there is no unknown token.
 *
 * <p>One difference from {@link ByteTokenizer} that no Hugging Face tokenizer avoids: text that
 * literally contains a special token's text (say {@code "<|end_of_text|>"}) is encoded as that
 * special token, not as its bytes.
 */
public final class ByteLevelBpe {

    /** BOS of {@link Style#LLAMA}, as in Llama 3. */
    public static final String BEGIN_OF_TEXT = "<|begin_of_text|>";
    /** EOS of {@link Style#LLAMA}, as in Llama 3 base models. */
    public static final String END_OF_TEXT = "<|end_of_text|>";
    /** PAD of {@link Style#LLAMA}: its own token, so that padding is never confused with EOS. */
    public static final String PAD = "<|pad|>";
    /** GPT-2's only special token: BOS, EOS and (for loaders such as TRL) PAD. */
    public static final String ENDOFTEXT = "<|endoftext|>";

    /** Special tokens, their ids and whether BOS is prepended. */
    public enum Style {
        /**
         * For llama and qwen2 models: {@value ByteLevelBpe#BEGIN_OF_TEXT} = 256 (prepended to every sequence
         * by the post-processor, so {@link HfTokenizer#bosId()} is 256), {@value ByteLevelBpe#END_OF_TEXT} =
         * 257, {@value ByteLevelBpe#PAD} = 258: the ids of {@link ByteTokenizer}.
         */
        LLAMA(List.of(BEGIN_OF_TEXT, END_OF_TEXT, PAD), BEGIN_OF_TEXT, END_OF_TEXT, PAD, true),
        /**
         * As GPT-2: one special token {@value ByteLevelBpe#ENDOFTEXT} = 256, named as BOS and EOS but never
         * prepended (so {@link HfTokenizer#bosId()} is -1), and no PAD ({@link HfTokenizer} then
         * pads with EOS, as TRL does).
         */
        GPT2(List.of(ENDOFTEXT), ENDOFTEXT, ENDOFTEXT, null, false);

        private final List<String> specials;
        private final String bos;
        private final String eos;
        private final String pad;
        private final boolean prependBos;

        Style(List<String> specials, String bos, String eos, String pad, boolean prependBos) {
            this.specials = specials;
            this.bos = bos;
            this.eos = eos;
            this.pad = pad;
            this.prependBos = prependBos;
        }

        /** 256 bytes plus the special tokens: the vocabulary size with no merge. */
        public int minVocabSize() {
            return 256 + specials.size();
        }
    }

    private ByteLevelBpe() {}

    /**
     * The exact Hugging Face equivalent of {@link ByteTokenizer}: byte {@code b} ↦ id {@code b},
     * BOS {@value #BEGIN_OF_TEXT} 256 (prepended by the post-processor), EOS 257, PAD 258, no
     * merges, and a ByteLevel pre-tokenizer that neither splits the text nor adds a prefix space.
     * So it gives ByteTokenizer's ids for every string (except text containing a special token's
     * text, see the class comment), and runs of the built-in presets can save a tokenizer that
     * Hugging Face tools load.
     *
     * @param modelMaxLength {@code model_max_length} for tokenizer_config.json (the model's
     *     context length)
     */
    public static Map<String, String> forByteTokenizer(int modelMaxLength) {
        requirePositive(modelMaxLength);
        BpeTrainer.Learned bytesOnly = BpeTrainer.learn(List.of(), 0);
        return render(bytesOnly, Style.LLAMA, false, modelMaxLength);
    }

    /**
     * A tokenizer with merges learned from {@code corpus} (see {@link BpeTrainer} for the
     * algorithm: GPT-2 word splitting, most frequent pair first, ties to the smaller ids, pairs
     * seen at least twice). The vocabulary (256 bytes + specials + learned tokens) grows up to
     * {@code targetVocabSize} and stops earlier when the corpus has no pair left to merge. The
     * same arguments always give byte-identical files.
     *
     * @param corpus          texts to learn from, e.g. {@link #defaultCorpus()}
     * @param targetVocabSize largest vocabulary size, at least {@code style.minVocabSize()}
     * @param style           special tokens and whether BOS is prepended
     * @param modelMaxLength  {@code model_max_length} for tokenizer_config.json
     * @throws IllegalArgumentException when {@code targetVocabSize < style.minVocabSize()} or
     *     {@code modelMaxLength < 1}
     */
    public static Map<String, String> train(
            List<String> corpus, int targetVocabSize, Style style, int modelMaxLength) {
        if (targetVocabSize < style.minVocabSize()) {
            throw new IllegalArgumentException("vocabulary size " + targetVocabSize + " is below "
                    + style.minVocabSize() + " (256 bytes + " + style.specials.size() + " special tokens)");
        }
        requirePositive(modelMaxLength);
        BpeTrainer.Learned learned = BpeTrainer.learn(corpus, targetVocabSize - style.minVocabSize());
        return render(learned, style, true, modelMaxLength);
    }

    private static Map<String, String> render(
            BpeTrainer.Learned learned, Style style, boolean splitWords, int modelMaxLength) {
        return ByteLevelBpeFiles.render(new ByteLevelBpeFiles.Spec(learned, style.specials, style.bos,
                style.eos, style.pad, style.prependBos, splitWords, modelMaxLength));
    }

    private static void requirePositive(int modelMaxLength) {
        if (modelMaxLength < 1) {
            throw new IllegalArgumentException("model_max_length must be at least 1, got " + modelMaxLength);
        }
    }
}
