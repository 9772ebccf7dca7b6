package org.dpo4j.cli.sweep;

import java.io.IOException;
import java.nio.file.Path;

/** Trains one run of a sweep: {@code dpo4j train --config CONFIG --output-dir RUN_DIR [--resume]}. */
public interface SweepRunner {

    /**
     * One run to train.
     *
     * @param config  the run's resolved config file
     * @param runDir  its run directory (absent or empty, or its own when resuming)
     * @param resume  true to continue from the run directory's latest checkpoint
     * @param threads the CPU threads it may use
     */
    record Task(Path config, Path runDir, boolean resume, int threads) {}

    /**
     * Trains the run and blocks until it ends; the output of {@code train} goes to
     * {@code RUN_DIR/}{@value #LOG_FILE}.
     *
     * @return {@code train}'s exit code: 0 done, 1 failed, 2 refused, 130 interrupted
     */
    int run(Task task) throws IOException, InterruptedException;

    /** Asks the runs under way to stop after their current step, with a checkpoint. */
    void stopAll();

    /** Ends the runs under way at once. */
    void killAll();

    String LOG_FILE = "train.log";
}
