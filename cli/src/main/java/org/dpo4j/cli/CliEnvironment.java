package org.dpo4j.cli;

import java.nio.file.Path;
import java.time.Clock;
import org.dpo4j.trainer.DpoTrainer;

/**
 * What the commands take from the outside world, so that tests can run them in-process.
 *
 * @param trainer      runs the training ({@link DpoTrainer#train} in production)
 * @param workDir      the directory relative paths and {@code runs/} resolve against
 * @param clock        names default run directories ({@code runs/yyyyMMdd-HHmmss})
 * @param liveProgress true for a live progress bar (a terminal), false for one line per log
 */
record CliEnvironment(Trainer trainer, Path workDir, Clock clock, boolean liveProgress) {

    static CliEnvironment system() {
        return new CliEnvironment(
                DpoTrainer::train,
                Path.of("").toAbsolutePath(),
                Clock.systemDefaultZone(),
                System.console() != null);
    }
}
