package org.dpo4j.trainer.tokenizer;

/**
 * GPT-2's reversible mapping from the 256 byte values to 256 printable characters, which the
 * Hugging Face {@code ByteLevel} pre-tokenizer and decoder use to write byte-level tokens as
 * strings.
 *
 * <p>The bytes {@code '!'..'~'}, {@code '¡'..'¬'} and {@code '®'..'ÿ'} (188 values) stand for
 * themselves; the other 68 (controls, space, DEL, NBSP, soft hyphen) are given the characters
 * U+0100, U+0101, ... in increasing byte order. So space (0x20) is {@code 'Ġ'} (U+0120) and
 * newline (0x0A) is {@code 'Ċ'} (U+010A), as in every GPT-2-style {@code tokenizer.json}.
 */
final class ByteLevelAlphabet {

    private static final char[] CHAR_OF_BYTE = buildTable();

    private ByteLevelAlphabet() {}

    /** The character that stands for byte {@code b} (0..255). */
    static char charOf(int b) {
        return CHAR_OF_BYTE[b];
    }

    /** The token string of a byte sequence: one character per byte. */
    static String tokenOf(byte[] bytes) {
        char[] chars = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            chars[i] = CHAR_OF_BYTE[bytes[i] & 0xFF];
        }
        return new String(chars);
    }

    private static char[] buildTable() {
        char[] table = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++) {
            table[b] = standsForItself(b) ? (char) b : (char) next++;
        }
        return table;
    }

    private static boolean standsForItself(int b) {
        return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    }
}
