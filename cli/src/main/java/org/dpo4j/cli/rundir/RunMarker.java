package org.dpo4j.cli.rundir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code RUN_DIR/sweep-run.json}: how a sweep run ended, written (atomically) when its
 * {@code train} exits 0 ({@code "status": "finished"}) or fails ({@code "failed"}, with the exit
 * code). A run whose file says finished is skipped when the sweep runs again; any other run is
 * trained again (an interrupted one, which has no file, resumes from its latest checkpoint).
 */
public final class RunMarker {

    public static final String FILE = "sweep-run.json";
    public static final String FINISHED = "finished";
    public static final String FAILED = "failed";

    private static final ObjectMapper JSON = new ObjectMapper();

    private RunMarker() {}

    public static void write(Path runDir, String status, int exitCode, double seconds) throws IOException {
        ObjectNode node = JSON.createObjectNode();
        node.put("status", status);
        node.put("exit_code", exitCode);
        node.put("seconds", Math.round(seconds * 10) / 10.0);
        Files.createDirectories(runDir);
        new RunDirectory(runDir, runDir.toString()).writeAtomically(FILE, node.toString() + "\n");
    }

    /** The recorded status, or null when the run has no (readable) marker. */
    public static String status(Path runDir) {
        Path file = runDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(file.toFile());
            return node != null && node.path("status").isTextual() ? node.get("status").asText() : null;
        } catch (IOException e) {
            return null;
        }
    }
}
