package org.dpo4j.trainer.data.source;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a stream into lines of raw bytes ({@code \n} or {@code \r\n} endings), so that each line
 * can be decoded on its own: a decoding Reader would stop at the first invalid byte of the file.
 * A line longer than {@code maxLineBytes} is read to its end but not kept ({@link #overLimit}), so
 * one endless line cannot fill the memory.
 */
final class ByteLineReader implements Closeable {

    private final InputStream in;
    private final int maxLineBytes;
    private final byte[] buffer = new byte[1 << 16];
    private int position;
    private int limit;
    private byte[] line = new byte[1024];
    private int length;
    private long fullLength;
    private byte lastByte;

    ByteLineReader(InputStream in, int maxLineBytes) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    /** Reads the next line into {@link #bytes()} and {@link #length()}; false at the end of the input. */
    boolean next() throws IOException {
        length = 0;
        fullLength = 0;
        boolean read = false;
        while (true) {
            if (position == limit) {
                limit = Math.max(in.read(buffer), 0);
                position = 0;
                if (limit == 0) {
                    return read;
                }
            }
            read = true;
            int start = position;
            while (position < limit && buffer[position] != '\n') {
                position++;
            }
            append(start, position - start);
            if (position < limit) {
                position++;
                if (fullLength > 0 && lastByte == '\r') {
                    fullLength--;
                    length = (int) Math.min(length, fullLength);
                }
                return true;
            }
        }
    }

    /** The current line's bytes, valid up to {@link #length()}, without its line ending. */
    byte[] bytes() {
        return line;
    }

    int length() {
        return length;
    }

    /**
     * Whether the current line is longer than the limit; {@link #bytes()} then holds only its
     * first bytes (up to the limit, or a little more), and {@link #fullLength()} its length.
     */
    boolean overLimit() {
        return fullLength > maxLineBytes;
    }

    /** The current line's length in bytes, without its line ending, also when it is over the limit. */
    long fullLength() {
        return fullLength;
    }

    private void append(int start, int count) {
        if (count > 0) {
            lastByte = buffer[start + count - 1];
        }
        fullLength += count;
        if (fullLength > maxLineBytes) {
            return; // counted, not kept
        }
        if (length + count > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, length + count));
        }
        System.arraycopy(buffer, start, line, length, count);
        length += count;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
