package org.dpo4j.trainer.checkpoint;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dpo4j.trainer.common.UserInputException;
import org.junit.jupiter.api.function.Executable;

/** Builds safetensors files byte by byte, and checks error messages. */
final class TestFiles {

    private TestFiles() {}

    /** Writes {@code file}: the header's length (8 bytes, little-endian), the header, the data. */
    static Path safetensors(Path file, String header, byte[] data) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(json.length).put(json).put(data);
        return Files.write(file, out.array());
    }

    /** The values as little-endian float32 bytes. */
    static byte[] f32(float... values) {
        ByteBuffer out = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            out.putFloat(v);
        }
        return out.array();
    }

    /** The 16-bit patterns as little-endian bytes. */
    static byte[] u16(int... patterns) {
        ByteBuffer out = ByteBuffer.allocate(2 * patterns.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int p : patterns) {
            out.putShort((short) p);
        }
        return out.array();
    }

    /**
     * Runs {@code action}, which must fail with a one-line {@link UserInputException} containing
     * every one of {@code parts}; returns the message.
     */
    static String userError(Executable action, String... parts) {
        String message = assertThrows(UserInputException.class, action).getMessage();
        assertFalse(message.contains("\n") || message.contains("\r"), "not one line: " + message);
        for (String part : parts) {
            assertTrue(message.contains(part), "message lacks '" + part + "': " + message);
        }
        return message;
    }
}
