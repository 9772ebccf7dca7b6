package org.dpo4j.trainer.data.source;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a stream into lines of raw bytes ({@code \n} or {@code \r\n} endings), so that each line
 * can be decoded on its own: a decoding Reader would stop at the first invalid byte of the file.
 */
final class ByteLineReader implements Closeable {

    private final InputStream in;
    private final byte[] buffer = new byte[1 << 16];
    private int position;
    private int limit;
    private byte[] line = new byte[1024];
    private int length;

    ByteLineReader(InputStream in) {
        this.in = in;
    }

    /** Reads the next line into {@link #bytes()} and {@link #length()}; false at the end of the input. */
    boolean next() throws IOException {
        length = 0;
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
                if (length > 0 && line[length - 1] == '\r') {
                    length--;
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

    private void append(int start, int count) {
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
