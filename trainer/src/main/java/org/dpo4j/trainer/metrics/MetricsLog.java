package org.dpo4j.trainer.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.dpo4j.trainer.common.UserInputException;

/** {@code metrics.jsonl}: one JSON object per record, {@code step} first, flushed per line. */
public final class MetricsLog implements AutoCloseable {

    public static final String FILE_NAME = "metrics.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final BufferedWriter writer;

    /** A new, empty {@code metrics.jsonl} in {@code runDir}. */
    public MetricsLog(Path runDir) {
        this(runDir.resolve(FILE_NAME), StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    private MetricsLog(Path file, OpenOption... options) {
        this.file = file;
        try {
            writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, append(options));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + file, e);
        }
    }

    private static OpenOption[] append(OpenOption... options) {
        OpenOption[] all = Arrays.copyOf(options, options.length + 1);
        all[options.length] = StandardOpenOption.WRITE;
        return all;
    }

    /**
     * The log of a resumed run: {@code runDir}'s {@code metrics.jsonl} holding exactly the first
     * {@code bytes} bytes of {@code source} (the checkpoint's run's log; the lines of steps after
     * the checkpoint are dropped), to which the run appends. When {@code source} is the same file
     * it is cut back in place.
     *
     * @throws UserInputException when {@code source} is missing or shorter than {@code bytes}
     */
    public static MetricsLog resume(Path runDir, Path source, long bytes) {
        Path file = runDir.resolve(FILE_NAME);
        try {
            long size = Files.isRegularFile(source) ? Files.size(source) : -1;
            if (size < bytes) {
                throw new UserInputException(source + (size < 0 ? " is missing" : " has " + size + " bytes")
                        + ", but the checkpoint was written when it had " + bytes
                        + "; cannot continue the run's metrics");
            }
            if (!Files.isSameFile(runDir, source.getParent())) {
                Files.copy(source, file, StandardCopyOption.REPLACE_EXISTING);
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot continue " + file, e);
        }
        return new MetricsLog(file, StandardOpenOption.APPEND);
    }

    /** Bytes written so far (every line is flushed when written). */
    public long size() {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the size of " + file, e);
        }
    }

    public void write(MetricsRecord record) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("step", record.step());
        line.putAll(record.values());
        try {
            writer.write(JSON.writeValueAsString(line));
            writer.newLine();
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + FILE_NAME, e);
        }
    }

    @Override
    public void close() {
        try {
            writer.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + FILE_NAME, e);
        }
    }
}
