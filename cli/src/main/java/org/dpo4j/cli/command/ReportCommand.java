package org.dpo4j.cli.command;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.dpo4j.cli.report.ReportRequest;
import org.dpo4j.cli.rundir.ExitCodes;
import org.dpo4j.trainer.generate.Prompt;
import org.dpo4j.trainer.generate.PromptFile;
import org.dpo4j.trainer.reward.RewardKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code dpo4j report SWEEP_DIR}: scores a sweep's models with a known reward and writes report.md and charts. */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {
            "Score every model a sweep left (each run's checkpoints, else its final/, and each run's reference as"
                    + " step 0) by sampling the reward's prompts at temperature 1: the mean reward, the sequence KL to"
                    + " the run's reference, the entropy per token and distinct-1/2. Then write SWEEP_DIR/report/:"
                    + " report.md (final scores per method and x value, mean and sd over seeds; KL and reward over"
                    + " training), scores.csv, and SVG charts: reward against KL, entropy and distinct-2 (one curve"
                    + " per method across the x key), KL and reward over the steps.",
            "",
            "A method is what tells runs apart besides the x key and the seed key, read from their resolved"
                    + " configs. Scores are cached in RUN/reward/, so a second report samples only new models."
        },
        optionListHeading = "%nOptions:%n",
        footerHeading = "%nExamples:%n",
        footer = {
            "  dpo4j sweep --config configs/experiments/tradeoffs.yaml --output-dir runs/tradeoffs",
            "  dpo4j report runs/tradeoffs"
        })
public final class ReportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SWEEP_DIR", description = "A sweep's output folder.")
    Path sweepDir;

    @Option(names = "--reward", paramLabel = "NAME", defaultValue = "sentiment",
            description = "The reward (default: ${DEFAULT-VALUE}; allowed: sentiment).")
    String reward;

    @Option(names = "--prompts", paramLabel = "FILE",
            description = "Prompts to sample (one per line, or JSONL with \"prompt\"); default: the reward's own.")
    Path prompts;

    @Option(names = "--num-samples", paramLabel = "N", defaultValue = "8", description = "Samples per prompt (default: ${DEFAULT-VALUE}).")
    int numSamples;

    @Option(names = "--max-new-tokens", paramLabel = "N", defaultValue = "64",
            description = "Most tokens per sample (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "Seed of the draws (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--x-key", paramLabel = "KEY", defaultValue = "loss.beta",
            description = "The config key each curve runs along (default: ${DEFAULT-VALUE}).")
    String xKey;

    @Option(names = "--seed-key", paramLabel = "KEY", defaultValue = "train.seed",
            description = "The config key whose values are repeats (default: ${DEFAULT-VALUE}).")
    String seedKey;

    @Option(names = "--steps-at", paramLabel = "VALUE",
            description = "The x value whose runs the over-training charts show (default: the middle one).")
    String stepsAt;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "1",
            description = "Runs scored at a time, one CPU thread each (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Option(names = "--output-dir", paramLabel = "DIR", description = "Where to write (default: SWEEP_DIR/report).")
    Path outputDir;

    private final CliEnvironment env;

    public ReportCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Path dir = env.workDir().resolve(sweepDir);
        Path target = outputDir != null ? env.workDir().resolve(outputDir) : dir.resolve("report");
        List<Prompt> chosen = prompts == null ? null : PromptFile.read(env.workDir().resolve(prompts), prompts.toString());
        ReportRequest request = new ReportRequest(dir, target, RewardKind.byName(reward, "--reward"), chosen, numSamples,
                maxNewTokens, seed, xKey, seedKey, stepsAt, parallel);
        List<Path> files = request.run(env.workDir(), line -> {
            out.println(line);
            out.flush();
        });
        out.println("report: " + target.resolve("report.md") + " (" + (files.size() - 1) + " more files beside it)");
        out.flush();
        return ExitCodes.OK;
    }
}
