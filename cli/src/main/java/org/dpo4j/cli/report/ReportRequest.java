package org.dpo4j.cli.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.generate.Prompt;
import org.dpo4j.trainer.reward.RewardKind;

/**
 * {@code dpo4j report SWEEP_DIR}: scores every model of a sweep ({@link SweepScorer}) and writes
 * {@code report.md}, {@code scores.csv} and the charts ({@link SweepReport}).
 *
 * @param sweepDir     the sweep's output folder
 * @param outputDir    where the report goes
 * @param reward       the reward
 * @param prompts      the prompts, or null for the reward's default prompts
 * @param samples      samples per prompt
 * @param maxNewTokens most tokens per sample
 * @param seed         seed of the draws
 * @param xKey         the key each curve runs along
 * @param seedKey      the key whose values are repeats
 * @param stepX        the x value of the over-steps charts, or null for the middle one
 * @param parallel     runs scored at a time
 */
public record ReportRequest(Path sweepDir, Path outputDir, RewardKind reward, List<Prompt> prompts, int samples,
        int maxNewTokens, long seed, String xKey, String seedKey, String stepX, int parallel) {

    public ReportRequest {
        if (samples < 1) {
            throw new UserInputException("--num-samples: must be >= 1, got " + samples);
        }
        if (maxNewTokens < 1) {
            throw new UserInputException("--max-new-tokens: must be >= 1, got " + maxNewTokens);
        }
        if (parallel < 1) {
            throw new UserInputException("--parallel: must be >= 1, got " + parallel);
        }
        if (!Files.isDirectory(sweepDir)) {
            throw new UserInputException(sweepDir + ": not a folder (give a sweep's --output-dir)");
        }
    }

    /**
     * Scores and writes.
     *
     * @param workDir  where relative model paths in the runs' configs are resolved
     * @param progress receives one line per model scored
     * @return the files written
     */
    public List<Path> run(Path workDir, Consumer<String> progress) {
        List<Prompt> chosen = prompts != null ? prompts
                : reward.defaultPrompts().stream().map(p -> Prompt.text(p, "--reward " + reward.optionName())).toList();
        RewardSettings settings = new RewardSettings(reward, chosen, samples, maxNewTokens, seed);
        List<SweepScorer.ScoredRun> runs = new SweepScorer(workDir, settings, progress).scoreAll(sweepDir, parallel);
        try {
            return new SweepReport(runs, xKey, seedKey, stepX).write(outputDir,
                    "Report of " + sweepDir.getFileName(), settings.describe());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report into " + outputDir, e);
        }
    }
}
