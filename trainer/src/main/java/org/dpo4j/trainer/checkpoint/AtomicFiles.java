package org.dpo4j.trainer.checkpoint;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes files so that a crash never leaves a half-written file under its final name: the
 * content goes to {@code .NAME.tmp-<random>} in the same directory (so the rename cannot cross
 * file systems), is flushed to disk, and is then renamed onto {@code NAME} atomically (replacing
 * an existing file; a plain replacing move where the file system has no atomic rename). On
 * failure the temporary file is deleted and nothing under {@code NAME} changes.
 */
public final class AtomicFiles {

    /** Writes a file's content to a stream (closing it is allowed and only flushes it). */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private static final int BUFFER_BYTES = 1 << 16;

    private AtomicFiles() {}

    /**
     * {@code text} as UTF-8 in {@code target}, atomically, creating its parent folders first
     * (generated JSONL files: whole or absent, never half-written).
     */
    public static void writeText(Path target, CharSequence text) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        write(target, out -> out.write(text.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Streams {@code content} into {@code target}. The parent directory must exist.
     *
     * @throws IOException from {@code content} or the file system; {@code target} is then as before
     */
    public static void write(Path target, Content content) throws IOException {
        Path temp = createTemp(target);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER_BYTES) {
                    @Override
                    public void close() throws IOException {
                        flush(); // the channel stays open for the force below
                    }
                };
                content.writeTo(out);
                out.flush();
                // on disk before the rename: otherwise a power cut can leave the final name
                // pointing at an empty or partial file
                channel.force(true);
            }
            move(temp, target);
        } catch (IOException | RuntimeException | Error e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** Writes {@code bytes} to {@code target}. */
    public static void writeBytes(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /** Writes {@code text} to {@code target} as UTF-8. */
    public static void writeString(Path target, String text) throws IOException {
        writeBytes(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Copies {@code source} to {@code target}. */
    public static void copy(Path source, Path target) throws IOException {
        write(target, out -> Files.copy(source, out));
    }

    /** A new empty file beside {@code target}, with the default permissions of new files. */
    private static Path createTemp(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        String name = target.getFileName().toString();
        while (true) {
            String suffix = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
            Path temp = dir.resolve("." + name + ".tmp-" + suffix);
            try {
                // CREATE_NEW: never reuse a name another writer holds
                Files.newByteChannel(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return temp;
            } catch (FileAlreadyExistsException e) {
                // 2^-64 odds; draw another name
            }
        }
    }

    private static void move(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        syncDirectory(target.toAbsolutePath().getParent());
    }

    /** Makes the rename itself durable where the platform allows opening a directory (Linux, macOS). */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // not supported here (e.g. Windows): the rename is still atomic, only its durability waits for the OS
        }
    }
}
