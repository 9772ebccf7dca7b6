package org.dpo4j.cli.command;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.dpo4j.cli.config.ConfigException;
import org.dpo4j.cli.config.ConfigLoader;
import org.dpo4j.cli.config.ConfigOverride;
import org.dpo4j.cli.config.ResolvedConfig;
import org.dpo4j.cli.progress.ProgressView;
import org.dpo4j.cli.rundir.ExitCodes;
import org.dpo4j.cli.rundir.RunDirectory;
import org.dpo4j.cli.rundir.RunPlots;
import org.dpo4j.cli.rundir.RunReport;
import org.dpo4j.cli.rundir.TrainingTarget;
import org.dpo4j.trainer.common.Devices;
import org.dpo4j.trainer.common.IoErrors;
import org.dpo4j.trainer.common.UserInputException;
import org.dpo4j.trainer.config.RunConfig;
import org.dpo4j.trainer.run.ResumePoint;
import org.dpo4j.trainer.run.RunOptions;
import org.dpo4j.trainer.run.StepPrecision;
import org.dpo4j.trainer.run.StopSignal;
import org.dpo4j.trainer.run.TrainingInterruptedException;
import org.dpo4j.trainer.run.TrainingSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dpo4j train}: resolves the run config, creates the run directory, saves the resolved
 * config and hands over to the trainer, showing progress and, at the end, the held-out
 * evaluation.
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {
            "Train a policy with DPO on preference pairs.",
            "",
            "The config is built in layers, each overriding the one before: the embedded default"
                    + " run < --config FILE < --set KEY=VALUE < --output-dir/--max-steps."
                    + " With no options it trains the embedded default (a tiny Llama-style"
                    + " model on the bundled builtin:tiny-prefs pairs).",
            "",
            "Writes a run directory (--output-dir, or runs/<yyyyMMdd-HHmmss>) with"
                    + " resolved-config.yaml, metrics.jsonl, charts in plots/ (see plot), and checkpoints/step-N/"
                    + " when save.every > 0.",
            "",
            "Ctrl-C or SIGTERM stops after the current step, saves a checkpoint and prints the command"
                    + " that resumes the run (exit code 130); a second signal quits at once."
        },
        optionListHeading = "%nOptions:%n",
        footerHeading = "%nExamples:%n",
        footer = {
            "  dpo4j train",
            "  dpo4j train --config configs/dpo-tiny.yaml --set loss.beta=0.2 \\",
            "      --set 'optim.betas=[0.9, 0.95]' --output-dir runs/beta-0.2 --max-steps 100",
            "  dpo4j train --config configs/dpo-tiny.yaml --set save.every=50 --output-dir runs/a",
            "  dpo4j train --config configs/dpo-tiny.yaml --set save.every=50 --output-dir runs/a --resume",
            "  dpo4j train --config configs/smollm-135m.yaml --smoke   check a real config in CI (seconds)",
            "",
            "Config keys are snake_case and grouped in nodes: model, data, loss, optim, schedule,"
                    + " train, eval, output (see configs/dpo-tiny.yaml)."
        })
public final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions configOptions = new ConfigOptions();

    @Option(names = "--output-dir", paramLabel = "DIR",
            description = "Run directory (sets output.dir); must not exist or be empty.")
    String outputDir;

    @Option(names = "--max-steps", paramLabel = "N",
            description = "Optimizer steps (sets train.max_steps, and clears train.epochs).")
    Integer maxSteps;

    @Option(names = "--resume", paramLabel = "CHECKPOINT", arity = "0..1", fallbackValue = "",
            description = {
                "Continue a run from a checkpoint: alone, the latest complete one in the run directory"
                        + " (--output-dir or output.dir); or a checkpoint folder RUN/checkpoints/step-N.",
                "The config must be the run's, except train.max_steps / train.epochs (which may grow)"
                        + " and output.dir; metrics.jsonl is continued."
            })
    String resume;

    @Option(names = "--smoke",
            description = {
                "Check this config for CI instead of training it: read everything the run would (model"
                        + " config, weight headers, tokenizer, reference, data), then train the same architecture"
                        + " and tokenizer shrunk to a tiny random model for 30 steps on the first 64 pairs.",
                "Exits 1 when a value is NaN or the loss does not fall, 2 when something fails to load."
            })
    boolean smoke;

    private final CliEnvironment env;
    private final ConfigLoader loader;

    public TrainCommand(CliEnvironment env, ConfigLoader loader) {
        this.env = env;
        this.loader = loader;
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        ResolvedConfig resolved = configOptions.load(loader, env, flags());
        RunConfig run = resolved.config();
        if (smoke) {
            if (resume != null) {
                throw new ConfigException("usage error: --smoke and --resume cannot be combined");
            }
            return SmokeCheck.run(run, env, out, spec.commandLine().getErr());
        }

        // a missing GPU (or fp16 without one) is a one-line refusal before any run directory exists
        StepPrecision.of(run.train().precision(), Devices.resolve(run.train().device()));
        TrainingTarget target = TrainingTarget.open(run, resume, env.workDir(), env.clock());
        RunDirectory dir = target.dir();
        ResumePoint from = target.from();
        saveConfig(target, resolved.yaml());
        out.println("# resolved config, saved as " + dir.display() + "/" + RunDirectory.RESOLVED_CONFIG);
        out.print(resolved.yaml());
        out.println();
        if (from != null) {
            String shown = TrainingTarget.display(from.folder(), env.workDir());
            out.println("resuming from " + shown + " (step " + from.step() + ")");
            from.unverifiedWarning(shown).ifPresent(out::println);
        }
        out.flush();

        TrainingSummary summary;
        StopSignal stop = new StopSignal();
        StopOnSignal signals = env.signals() ? StopOnSignal.install(stop, spec.commandLine().getErr()) : null;
        try (ProgressView progress = new ProgressView(out, env.liveProgress(), System::nanoTime)) {
            summary = env.trainer().train(run, dir.path(), progress, new RunOptions(from, stop));
        } catch (UserInputException e) {
            target.refused();
            throw e;
        } catch (TrainingInterruptedException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("dpo4j: interrupted at step " + e.step() + "; resume with: " + resumeCommand(dir));
            err.flush();
            return ExitCodes.INTERRUPTED;
        } finally {
            if (signals != null) {
                signals.close();
            }
        }
        RunReport.print(out, summary, dir, RunPlots.afterTraining(dir));
        return ExitCodes.OK;
    }

    /**
     * Saves the resolved config in the run directory; when that fails (a read-only folder, a full
     * disk), a new run directory is removed again and the failure is one line.
     */
    private static void saveConfig(TrainingTarget target, String yaml) {
        try {
            target.saveConfig(yaml);
        } catch (IOException e) {
            try {
                target.refused();
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw new ConfigException("config error: output.dir: cannot write " + RunDirectory.RESOLVED_CONFIG
                    + " in " + target.dir().display() + ": " + IoErrors.describe(e));
        }
    }

    /**
     * The command that resumes this run: this one's options, {@code --output-dir} the run
     * directory, and {@code --resume} for its latest checkpoint.
     */
    private String resumeCommand(RunDirectory dir) {
        List<String> args = new ArrayList<>(List.of("dpo4j", "train"));
        if (configOptions.file() != null) {
            args.add("--config");
            args.add(configOptions.file().toString());
        }
        args.addAll(ConfigOptions.setArguments(configOptions.sets()));
        args.add("--output-dir");
        args.add(dir.display());
        if (maxSteps != null) {
            args.add("--max-steps");
            args.add(maxSteps.toString());
        }
        args.add("--resume");
        return ShellWords.join(args);
    }

    private List<ConfigOverride> flags() {
        List<ConfigOverride> flags = new ArrayList<>();
        if (outputDir != null) {
            flags.add(ConfigOverride.flag("output.dir", TextNode.valueOf(outputDir), "--output-dir " + outputDir));
        }
        if (maxSteps != null) {
            flags.add(ConfigOverride.flag("train.max_steps", IntNode.valueOf(maxSteps), "--max-steps " + maxSteps));
            // a flag beats the file: --max-steps replaces a run length the file gave in epochs
            flags.add(ConfigOverride.flag("train.epochs", NullNode.getInstance(), "--max-steps " + maxSteps));
        }
        return flags;
    }
}
