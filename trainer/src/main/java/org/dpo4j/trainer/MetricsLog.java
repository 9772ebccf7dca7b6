package org.dpo4j.trainer;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code metrics.jsonl}: one JSON object per record, {@code step} first, flushed per line. */
final class MetricsLog implements AutoCloseable {

    public static final String FILE_NAME = "metrics.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BufferedWriter writer;

    MetricsLog(Path runDir) {
        try {
            writer = Files.newBufferedWriter(runDir.resolve(FILE_NAME), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + runDir.resolve(FILE_NAME), e);
        }
    }

    void write(MetricsRecord record) {
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
