package org.dpo4j.trainer.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the three files of a Hugging Face byte-level BPE tokenizer: {@code tokenizer.json},
 * {@code tokenizer_config.json}, {@code special_tokens_map.json}.
 *
 * <p>Ids: byte {@code b} is id {@code b} (its token is {@link ByteLevelAlphabet#charOf}), the
 * special tokens follow from 256 in the given order, then the learned tokens in the order they
 * were learned. The special tokens are in the model's vocabulary as well as in {@code
 * added_tokens} (as GPT-2 has them), so the ids have no gap. Merges are written as {@code "a b"}
 * strings, which every version of the library reads (byte-level tokens never contain a space).
 *
 * <p>Output is a function of the spec only: the same spec gives byte-identical files (fixed
 * field order, {@code \n} line ends, two-space indent).
 */
final class ByteLevelBpeFiles {

    static final String TOKENIZER_JSON = "tokenizer.json";
    static final String TOKENIZER_CONFIG = "tokenizer_config.json";
    static final String SPECIAL_TOKENS_MAP = "special_tokens_map.json";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectWriter WRITER = new ObjectMapper().writer(prettyPrinter());

    /**
     * What the files say.
     *
     * @param learned        tokens (256 bytes, then learned ones) and merges, in the trainer's ids
     * @param specials       special tokens' texts, given ids 256, 257, ...
     * @param bos            BOS text (one of {@code specials})
     * @param eos            EOS text (one of {@code specials})
     * @param pad            PAD text (one of {@code specials}), or null for none
     * @param prependBos     whether the post-processor puts BOS before every sequence
     * @param splitWords     whether the pre-tokenizer cuts words with GPT-2's pattern (must match
     *                       training); false keeps the text whole, so with no merges every byte
     *                       is its own token
     * @param modelMaxLength {@code model_max_length} of tokenizer_config.json
     */
    record Spec(BpeTrainer.Learned learned, List<String> specials, String bos, String eos,
            String pad, boolean prependBos, boolean splitWords, int modelMaxLength) {}

    private ByteLevelBpeFiles() {}

    /** File name → content, in the order {@code tokenizer.json}, config, special tokens map. */
    static Map<String, String> render(Spec spec) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put(TOKENIZER_JSON, write(tokenizerJson(spec)));
        files.put(TOKENIZER_CONFIG, write(tokenizerConfig(spec)));
        files.put(SPECIAL_TOKENS_MAP, write(specialTokensMap(spec)));
        return Collections.unmodifiableMap(files);
    }

    private static ObjectNode tokenizerJson(Spec spec) {
        ObjectNode root = NODES.objectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int i = 0; i < spec.specials().size(); i++) {
            added.add(NODES.objectNode()
                    .put("id", 256 + i)
                    .put("content", spec.specials().get(i))
                    .put("single_word", false)
                    .put("lstrip", false)
                    .put("rstrip", false)
                    .put("normalized", false)
                    .put("special", true));
        }
        root.putNull("normalizer");
        root.set("pre_tokenizer", byteLevel(spec.splitWords()));
        root.set("post_processor", template(spec));
        root.set("decoder", byteLevel(spec.splitWords()));
        root.set("model", model(spec));
        return root;
    }

    /**
     * The ByteLevel step: no prefix space (so " x" and "x" stay different, and the prompt's
     * tokens do not depend on what follows); {@code use_regex} as in {@link Spec#splitWords}.
     */
    private static ObjectNode byteLevel(boolean splitWords) {
        return NODES.objectNode()
                .put("type", "ByteLevel")
                .put("add_prefix_space", false)
                .put("trim_offsets", true)
                .put("use_regex", splitWords);
    }

    /** {@code [BOS] $A} (pairs: {@code [BOS] $A [BOS] $B}, as Llama 3) or just {@code $A}. */
    private static ObjectNode template(Spec spec) {
        ObjectNode node = NODES.objectNode().put("type", "TemplateProcessing");
        ArrayNode single = node.putArray("single");
        ArrayNode pair = node.putArray("pair");
        ObjectNode specialTokens = NODES.objectNode();
        if (spec.prependBos()) {
            single.add(specialPiece(spec.bos(), 0));
        }
        single.add(sequencePiece("A", 0));
        if (spec.prependBos()) {
            pair.add(specialPiece(spec.bos(), 0));
        }
        pair.add(sequencePiece("A", 0));
        if (spec.prependBos()) {
            pair.add(specialPiece(spec.bos(), 1));
        }
        pair.add(sequencePiece("B", 1));
        if (spec.prependBos()) {
            ObjectNode bos = specialTokens.putObject(spec.bos()).put("id", spec.bos());
            bos.putArray("ids").add(256 + spec.specials().indexOf(spec.bos()));
            bos.putArray("tokens").add(spec.bos());
        }
        node.set("special_tokens", specialTokens);
        return node;
    }

    private static ObjectNode specialPiece(String token, int typeId) {
        ObjectNode piece = NODES.objectNode();
        piece.putObject("SpecialToken").put("id", token).put("type_id", typeId);
        return piece;
    }

    private static ObjectNode sequencePiece(String id, int typeId) {
        ObjectNode piece = NODES.objectNode();
        piece.putObject("Sequence").put("id", id).put("type_id", typeId);
        return piece;
    }

    private static ObjectNode model(Spec spec) {
        ObjectNode model = NODES.objectNode().put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        List<String> tokens = tokenTexts(spec);
        ObjectNode vocab = model.putObject("vocab");
        for (int id = 0; id < tokens.size(); id++) {
            vocab.put(tokens.get(id), id);
        }
        ArrayNode merges = model.putArray("merges");
        int shift = spec.specials().size();
        for (BpeTrainer.Merge m : spec.learned().merges()) {
            merges.add(tokens.get(finalId(m.left(), shift)) + " " + tokens.get(finalId(m.right(), shift)));
        }
        return model;
    }

    /** Token texts by final id: bytes, specials, learned. */
    private static List<String> tokenTexts(Spec spec) {
        List<byte[]> learned = spec.learned().tokens();
        List<String> texts = new ArrayList<>(learned.size() + spec.specials().size());
        for (int id = 0; id < 256; id++) {
            texts.add(ByteLevelAlphabet.tokenOf(learned.get(id)));
        }
        texts.addAll(spec.specials());
        for (int id = 256; id < learned.size(); id++) {
            texts.add(ByteLevelAlphabet.tokenOf(learned.get(id)));
        }
        return texts;
    }

    /** The trainer numbers learned tokens from 256; in the files the specials come first. */
    private static int finalId(int trainerId, int specials) {
        return trainerId < 256 ? trainerId : trainerId + specials;
    }

    /**
     * As transformers writes it (keys sorted). {@code clean_up_tokenization_spaces: false}, or
     * Python's decode would turn {@code " ."} into {@code "."} and break round trips.
     */
    private static ObjectNode tokenizerConfig(Spec spec) {
        ObjectNode config = NODES.objectNode();
        config.put("bos_token", spec.bos());
        config.put("clean_up_tokenization_spaces", false);
        config.put("eos_token", spec.eos());
        config.put("model_max_length", spec.modelMaxLength());
        if (spec.pad() != null) {
            config.put("pad_token", spec.pad());
        }
        config.put("tokenizer_class", "PreTrainedTokenizerFast");
        return config;
    }

    private static ObjectNode specialTokensMap(Spec spec) {
        ObjectNode map = NODES.objectNode();
        map.put("bos_token", spec.bos());
        map.put("eos_token", spec.eos());
        if (spec.pad() != null) {
            map.put("pad_token", spec.pad());
        }
        return map;
    }

    private static String write(ObjectNode node) {
        try {
            return WRITER.writeValueAsString(node) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    /** Two-space indent and {@code \n} on every platform, {@code "key": value} like Python's json. */
    private static DefaultPrettyPrinter prettyPrinter() {
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withSeparators(Separators.createDefaultInstance()
                        .withObjectFieldValueSpacing(Separators.Spacing.AFTER));
        printer.indentObjectsWith(indenter);
        printer.indentArraysWith(indenter);
        return printer;
    }
}
