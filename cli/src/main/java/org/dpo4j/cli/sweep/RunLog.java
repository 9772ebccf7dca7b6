package org.dpo4j.cli.sweep;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.dpo4j.cli.rundir.RunDirectory;

/**
 * A sweep run's {@code train.log} in its run directory. {@code train} refuses a run directory that
 * is not empty, so lines are held in memory until {@code train} has taken the directory (its
 * {@code resolved-config.yaml} is there) and appended from then on; a run refused before that
 * (its directory never made) gets the log when it ends.
 */
public final class RunLog implements Closeable {

    private final Path runDir;
    private final StringBuilder held = new StringBuilder();
    private BufferedWriter writer;

    RunLog(Path runDir) {
        this.runDir = runDir;
    }

    void append(String text) throws IOException {
        if (writer == null && Files.isRegularFile(runDir.resolve(RunDirectory.RESOLVED_CONFIG))) {
            open();
        }
        if (writer == null) {
            held.append(text);
        } else {
            writer.write(text);
            writer.flush();
        }
    }

    @Override
    public void close() throws IOException {
        if (writer == null) {
            Files.createDirectories(runDir);
            open();
        }
        writer.close();
    }

    private void open() throws IOException {
        writer = Files.newBufferedWriter(runDir.resolve(SweepRunner.LOG_FILE), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        writer.write(held.toString());
        writer.flush();
        held.setLength(0);
    }
}
