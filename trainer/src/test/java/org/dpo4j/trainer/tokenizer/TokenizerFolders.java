package org.dpo4j.trainer.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/** Test helpers: write generated files into a folder, and random text of every kind. */
final class TokenizerFolders {

    private TokenizerFolders() {}

    /** Writes each file name → content (UTF-8) into {@code dir} and returns {@code dir}. */
    static Path write(Map<String, String> files, Path dir) {
        try {
            Files.createDirectories(dir);
            for (Map.Entry<String, String> file : files.entrySet()) {
                Files.writeString(dir.resolve(file.getKey()), file.getValue());
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes one file and returns the folder. */
    static Path write(Path dir, String name, String content) {
        return write(Map.of(name, content), dir);
    }

    // Code point ranges drawn from: ASCII letters and punctuation, whitespace and controls
    // (1-byte UTF-8), Latin-1 and Greek (2 bytes), CJK (3 bytes), emoji (4 bytes, a surrogate
    // pair in Java), and a combining accent.
    private static final int[][] RANGES = {
        {0x20, 0x7E}, {0x20, 0x20}, {0x0A, 0x0A}, {0x09, 0x0D}, {0x01, 0x1F}, {0x7F, 0x7F},
        {0xA0, 0xFF}, {0x391, 0x3C9}, {0x4E00, 0x4E80}, {0x1F600, 0x1F64F}, {0x1F300, 0x1F3FF},
        {0x0301, 0x0301}
    };

    /** A random string of 0..{@code maxCodePoints} valid code points (no lone surrogates). */
    static String randomText(Random random, int maxCodePoints) {
        int n = random.nextInt(maxCodePoints + 1);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int[] range = RANGES[random.nextInt(RANGES.length)];
            text.appendCodePoint(range[0] + random.nextInt(range[1] - range[0] + 1));
        }
        return text.toString();
    }
}
