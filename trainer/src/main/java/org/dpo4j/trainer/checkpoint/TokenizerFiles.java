package org.dpo4j.trainer.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dpo4j.trainer.tokenizer.ByteLevelBpe;

/**
 * The tokenizer files a saved model folder carries, so that it loads with its tokenizer in
 * dpo4j and in Hugging Face tools: copied from the source folder, or, for the built-in presets,
 * the Hugging Face equivalent of the byte tokenizer.
 */
public final class TokenizerFiles {

    /** Files of a Hugging Face tokenizer, copied when the source folder has them. */
    public static final List<String> NAMES = List.of(
            "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json",
            "vocab.json", "merges.txt", "tokenizer.model", "chat_template.jinja", "chat_template.json");

    private TokenizerFiles() {}

    /** The tokenizer files of {@code folder}, by name, in {@link #NAMES} order. */
    public static Map<String, byte[]> of(Path folder) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try {
            for (String name : NAMES) {
                Path file = folder.resolve(name);
                if (Files.isRegularFile(file)) {
                    files.put(name, Files.readAllBytes(file));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the tokenizer files of " + folder, e);
        }
        return files;
    }

    /** The byte tokenizer of the presets, as Hugging Face files. */
    public static Map<String, byte[]> byteTokenizer(int modelMaxLength) {
        return utf8(ByteLevelBpe.forByteTokenizer(modelMaxLength));
    }

    /** Text files (as the tokenizer builders return them) as bytes. */
    public static Map<String, byte[]> utf8(Map<String, String> files) {
        Map<String, byte[]> bytes = new LinkedHashMap<>();
        files.forEach((name, text) -> bytes.put(name, text.getBytes(StandardCharsets.UTF_8)));
        return bytes;
    }
}
