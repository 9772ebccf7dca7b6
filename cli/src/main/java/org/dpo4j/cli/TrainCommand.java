package org.dpo4j.cli;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.dpo4j.trainer.TrainingSummary;
import org.dpo4j.trainer.UserInputException;
import org.dpo4j.trainer.config.RunConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

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
                    + " resolved-config.yaml, metrics.jsonl and charts in plots/ (see plot)."
        },
        optionListHeading = "%nOptions:%n",
        footerHeading = "%nExamples:%n",
        footer = {
            "  dpo4j train",
            "  dpo4j train --config configs/dpo-tiny.yaml --set loss.beta=0.2 \\",
            "      --set 'optim.betas=[0.9, 0.95]' --output-dir runs/beta-0.2 --max-steps 100",
            "",
            "Config keys are snake_case and grouped in nodes: model, data, loss, optim, schedule,"
                    + " train, eval, output (see configs/dpo-tiny.yaml)."
        })
final class TrainCommand implements Callable<Integer> {

    static final String RESOLVED_CONFIG = "resolved-config.yaml";

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Run config, YAML or JSON (.json); keys it leaves out keep their defaults.")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", converter = SetConverter.class,
            description = {
                "Override one config key (repeatable; the last one wins), e.g. loss.beta=0.2.",
                "The value is read as YAML: 0.2 is a number, [0.9,0.95] a list, null is null,"
                        + " other text a string."
            })
    List<ConfigOverride> sets = new ArrayList<>();

    @Option(names = "--output-dir", paramLabel = "DIR",
            description = "Run directory (sets output.dir); must not exist or be empty.")
    String outputDir;

    @Option(names = "--max-steps", paramLabel = "N",
            description = "Optimizer steps (sets train.max_steps).")
    Integer maxSteps;

    private final CliEnvironment env;
    private final ConfigLoader loader;

    TrainCommand(CliEnvironment env, ConfigLoader loader) {
        this.env = env;
        this.loader = loader;
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Path file = config == null ? null : env.workDir().resolve(config);
        ResolvedConfig resolved = loader.load(
                file, config == null ? null : config.toString(), sets, flags());
        RunConfig run = resolved.config();

        RunDirectory dir = RunDirectory.create(run.output().dir(), env.workDir(), env.clock());
        dir.writeAtomically(RESOLVED_CONFIG, resolved.yaml());
        out.println("# resolved config, saved as " + dir.display() + "/" + RESOLVED_CONFIG);
        out.print(resolved.yaml());
        out.println();
        out.flush();

        TrainingSummary summary;
        try (ProgressView progress = new ProgressView(out, env.liveProgress(), System::nanoTime)) {
            summary = env.trainer().train(run, dir.path(), progress);
        } catch (UserInputException e) {
            dir.deleteIfOnly(RESOLVED_CONFIG);
            throw e;
        }
        RunReport.print(out, summary, dir, RunPlots.afterTraining(dir));
        return Cli.OK;
    }

    private List<ConfigOverride> flags() {
        List<ConfigOverride> flags = new ArrayList<>();
        if (outputDir != null) {
            flags.add(ConfigOverride.flag("output.dir", TextNode.valueOf(outputDir), "--output-dir " + outputDir));
        }
        if (maxSteps != null) {
            flags.add(ConfigOverride.flag("train.max_steps", IntNode.valueOf(maxSteps), "--max-steps " + maxSteps));
        }
        return flags;
    }

    /** Parses {@code --set KEY=VALUE}; a malformed one is a usage error. */
    static final class SetConverter implements ITypeConverter<ConfigOverride> {
        @Override
        public ConfigOverride convert(String value) {
            try {
                return ConfigOverride.parseSet(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
