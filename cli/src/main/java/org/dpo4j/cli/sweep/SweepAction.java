package org.dpo4j.cli.sweep;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dpo4j.cli.config.ConfigException;
import org.dpo4j.cli.rundir.RunMarker;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.run.ResumePoint;

/** What a run of a sweep needs, from what its run directory holds now. */
public enum SweepAction {
    /** Finished in an earlier sweep with the same config. */
    SKIP,
    /** Never started. */
    FRESH,
    /** Interrupted with a checkpoint: continue from it. */
    RESUME,
    /** Anything else unfinished: cleared and trained again. */
    CLEAR;

    /**
     * What each run of {@code plan} needs in the sweep directory {@code dir}.
     *
     * @param workDir the working directory, for paths in messages
     * @throws ConfigException before anything is written, when a finished run's config changed
     */
    public static List<SweepAction> decide(SweepPlan plan, Path dir, Path workDir) throws IOException {
        List<SweepAction> actions = new ArrayList<>();
        for (SweepRun run : plan.runs()) {
            Path runDir = dir.resolve(run.name());
            Path saved = SweepExecution.configFile(dir, run);
            boolean same = Files.isRegularFile(saved) && Files.readString(saved).equals(run.config().yaml());
            String status = RunMarker.status(runDir);
            if (RunMarker.FINISHED.equals(status)) {
                if (!same) {
                    throw new ConfigException("config error: " + SweepFile.shown(runDir, workDir) + " finished with another"
                            + " config than the sweep now gives it (" + SweepFile.shown(saved, workDir) + "); remove the"
                            + " run to train it again, or choose another --output-dir");
                }
                actions.add(SKIP);
            } else if (!Files.exists(runDir)) {
                actions.add(FRESH);
            } else {
                // an interrupted run (no marker) continues from its checkpoint; train checks that the
                // config allows it, and a refusal starts the run over
                actions.add(status == null && hasCheckpoint(runDir) ? RESUME : CLEAR);
            }
        }
        return actions;
    }

    private static boolean hasCheckpoint(Path runDir) {
        try {
            ResumePoint.latest(runDir);
            return true;
        } catch (UserInputException | UncheckedIOException e) {
            return false;
        }
    }
}
