package org.dpo4j.trainer.data.source;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes UTF-8 without replacing bad bytes: training on U+FFFD in place of what the user meant
 * would go unnoticed, so a bad byte is reported with its position instead.
 */
final class StrictUtf8 {

    private StrictUtf8() {}

    /** Bytes that are not UTF-8; {@code offset} is 0-based from the start of the decoded range. */
    static final class InvalidUtf8Exception extends Exception {
        private final int offset;
        private final int badByte;

        InvalidUtf8Exception(int offset, int badByte) {
            super("invalid UTF-8", null, false, false);
            this.offset = offset;
            this.badByte = badByte;
        }

        int offset() {
            return offset;
        }

        /** {@code 0xC3}: the first byte that cannot be decoded. */
        String badByte() {
            return String.format("0x%02X", badByte & 0xFF);
        }
    }

    static String decode(byte[] bytes, int offset, int length) throws InvalidUtf8Exception {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, offset, length);
        // UTF-8 never decodes to more chars than it has bytes.
        CharBuffer out = CharBuffer.allocate(length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isUnderflow()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            throw new InvalidUtf8Exception(in.position() - offset, bytes[in.position()]);
        }
        return out.flip().toString();
    }
}
