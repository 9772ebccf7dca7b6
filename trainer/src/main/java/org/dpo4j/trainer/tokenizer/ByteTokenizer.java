package org.dpo4j.trainer.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The built-in presets' tokenizer: one token per UTF-8 byte (ids 0..255), then BOS = 256,
 * EOS = 257, PAD = 258. Every string round-trips, and the tokens of a prompt are always exactly
 * a prefix of the tokens of prompt + completion.
 */
public final class ByteTokenizer implements TextTokenizer {

    public static final int BOS = 256;
    public static final int EOS = 257;
    public static final int PAD = 258;
    private static final int VOCAB_SIZE = 259;

    @Override
    public int[] encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ids[i] = bytes[i] & 0xFF;
        }
        return ids;
    }

    @Override
    public String decode(int[] ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(ids.length);
        for (int id : ids) {
            if (id >= 0 && id < 256) {
                bytes.write(id);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public int vocabSize() {
        return VOCAB_SIZE;
    }

    @Override
    public int bosId() {
        return BOS;
    }

    @Override
    public int eosId() {
        return EOS;
    }

    @Override
    public int padId() {
        return PAD;
    }
}
