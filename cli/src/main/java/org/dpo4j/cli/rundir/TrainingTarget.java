package org.dpo4j.cli.rundir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.dpo4j.cli.config.ConfigException;
import org.dpo4j.trainer.config.RunConfig;
import org.dpo4j.trainer.run.ResumePoint;

/**
 * Where {@code train} writes: a new run directory ({@code output.dir}, or a time-stamped one), or,
 * when resuming, the checkpoint's own run directory or the one {@code output.dir} names; and the
 * resolved config saved in it, which a refused resume puts back as it was.
 */
public final class TrainingTarget {

    private final RunDirectory dir;
    private final ResumePoint from;
    private String earlierConfig;

    private TrainingTarget(RunDirectory dir, ResumePoint from) {
        this.dir = dir;
        this.from = from;
    }

    /**
     * @param run     the resolved run config
     * @param resume  {@code --resume} as given: null for a new run, empty for the run directory's
     *                latest checkpoint, else a checkpoint folder
     * @param workDir what relative paths are relative to
     * @param clock   names a new run directory
     * @throws ConfigException when the run directory cannot be used or found
     * @throws org.dpo4j.trainer.common.UserInputException when the checkpoint does not belong to this config or directory
     */
    public static TrainingTarget open(RunConfig run, String resume, Path workDir, Clock clock) throws IOException {
        if (resume == null) {
            return new TrainingTarget(RunDirectory.create(run.output().dir(), workDir, clock), null);
        }
        ResumePoint from = checkpoint(run, resume, workDir);
        from.checkConfig(run);
        RunDirectory dir = resumedRunDirectory(from, run, workDir, clock);
        from.checkTarget(dir.path());
        return new TrainingTarget(dir, from);
    }

    /** The run directory. */
    public RunDirectory dir() {
        return dir;
    }

    /** The checkpoint the run continues from, or null for a new run. */
    public ResumePoint from() {
        return from;
    }

    /** Saves the resolved config as {@value RunDirectory#RESOLVED_CONFIG}, remembering the one it replaces. */
    public void saveConfig(String yaml) throws IOException {
        earlierConfig = dir.read(RunDirectory.RESOLVED_CONFIG);
        dir.writeAtomically(RunDirectory.RESOLVED_CONFIG, yaml);
    }

    /** Undoes {@link #saveConfig} after the trainer refused the run: a refused resume changes nothing. */
    public void refused() throws IOException {
        if (earlierConfig != null) {
            dir.writeAtomically(RunDirectory.RESOLVED_CONFIG, earlierConfig);
        }
        dir.deleteIfOnly(RunDirectory.RESOLVED_CONFIG);
    }

    /**
     * The checkpoint {@code --resume} names, its files checked against their SHA-256 sums: with an
     * empty {@code resume}, the latest complete one of the run directory {@code output.dir} names.
     *
     * @throws ConfigException when {@code output.dir} is needed but unset or not a directory
     * @throws org.dpo4j.trainer.common.UserInputException when there is no such checkpoint, or it is damaged
     */
    public static ResumePoint checkpoint(RunConfig run, String resume, Path workDir) {
        return resume.isEmpty() ? latestCheckpoint(run, workDir) : ResumePoint.open(workDir.resolve(resume));
    }

    /** The latest complete checkpoint of the run directory that {@code output.dir} names. */
    private static ResumePoint latestCheckpoint(RunConfig run, Path workDir) {
        String outputDir = run.output().dir();
        if (outputDir == null) {
            throw new ConfigException("config error: --resume needs the run directory to resume: give --output-dir DIR"
                    + " (or output.dir), or --resume RUN/checkpoints/step-N");
        }
        Path runDir = RunDirectory.existing(workDir.resolve(outputDir), outputDir).path();
        return ResumePoint.latest(runDir, run.save().every());
    }

    /**
     * Where a resumed run writes: {@code output.dir} when set (the checkpoint's own run directory,
     * or a new or empty one), else the run directory holding the checkpoint.
     */
    private static RunDirectory resumedRunDirectory(ResumePoint from, RunConfig run, Path workDir, Clock clock)
            throws IOException {
        String outputDir = run.output().dir();
        Path own = from.runDir();
        if (outputDir != null) {
            Path target = workDir.resolve(outputDir);
            if (own != null && Files.isDirectory(target) && Files.isSameFile(own, target)) {
                return RunDirectory.existing(target, outputDir);
            }
            return RunDirectory.create(outputDir, workDir, clock);
        }
        if (own == null) {
            throw new ConfigException("config error: output.dir: " + from.folder() + " is not in a run directory's"
                    + " checkpoints/ folder; give --output-dir DIR for the resumed run");
        }
        return RunDirectory.existing(own, display(own, workDir));
    }

    /** {@code path} relative to the working directory when it lies inside it. */
    public static String display(Path path, Path workDir) {
        Path abs = path.toAbsolutePath().normalize();
        Path work = workDir.toAbsolutePath().normalize();
        return abs.startsWith(work) && !abs.equals(work) ? work.relativize(abs).toString() : abs.toString();
    }
}
