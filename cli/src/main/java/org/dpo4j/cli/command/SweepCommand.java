package org.dpo4j.cli.command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.dpo4j.cli.config.ConfigException;
import org.dpo4j.cli.config.ConfigLoader;
import org.dpo4j.cli.config.ConfigOverride;
import org.dpo4j.cli.sweep.SweepAction;
import org.dpo4j.cli.sweep.SweepExecution;
import org.dpo4j.cli.sweep.SweepFile;
import org.dpo4j.cli.sweep.SweepPlan;
import org.dpo4j.cli.sweep.SweepRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code dpo4j sweep}: trains every run of a sweep file ({@link SweepFile}) one after another, or
 * {@code --parallel N} at once, each into {@code SWEEP_DIR/RUN_NAME} ({@link org.dpo4j.cli.sweep.RunNames}), and keeps
 * {@code summary.md}, {@code summary.csv} and {@code comparison.png} up to date after each run.
 * Every run's config is validated before the first run starts. Runs that finished in an earlier
 * sweep of the same directory are skipped; an interrupted one resumes from its latest checkpoint;
 * any other unfinished one is cleared and trained again.
 */
@Command(
        name = "sweep",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {
            "Train every run of a sweep file: a base config, overrides for every run, and a grid"
                    + " (cartesian product) and/or a list of runs, with keys as --set takes them.",
            "",
            "Each run trains in its own JVM into SWEEP_DIR/RUN_NAME, named after its overrides"
                    + " (loss.divergence=js, loss.beta=0.05 -> divergence-js_beta-0.05), with its output in"
                    + " RUN_NAME/train.log. All run configs are checked before the first run starts."
                    + " Running the same sweep again skips the finished runs, resumes interrupted ones from"
                    + " their checkpoint and retrains the others.",
            "",
            "SWEEP_DIR holds summary.md and summary.csv (one row per run: status, the swept keys,"
                    + " final train and eval loss, reward accuracy and margin), comparison.png (held-out"
                    + " accuracy and margin per run) and run-configs/RUN_NAME.yaml (each run's resolved config).",
            "",
            "A failed run does not stop the others; the sweep then exits with 1. Ctrl-C stops the runs"
                    + " under way after their step with a checkpoint (exit code 130)."
        },
        optionListHeading = "%nOptions:%n",
        footerHeading = "%nExamples:%n",
        footer = {
            "  dpo4j sweep --config configs/sweeps/fdpo-divergences-tiny.yaml",
            "  dpo4j sweep --config configs/sweeps/betas-dpo-tiny.yaml --output-dir runs/betas --parallel 2",
            "  dpo4j sweep --config configs/sweeps/betas-dpo-tiny.yaml --set train.max_steps=20",
            "",
            "A sweep file:",
            "  base: ../dpo-tiny.yaml                  # relative to the sweep file, or absolute",
            "  overrides: {loss.type: fdpo, train.max_steps: 100}   # every run",
            "  grid: {loss.divergence: [reverse_kl, js], loss.beta: [0.05, 0.1]}",
            "  runs: [{loss.type: tdpo, loss.variant: tdpo2}]        # extra runs"
        })
public final class SweepCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", required = true,
            description = "The sweep file (YAML, or JSON when it ends in .json).")
    Path config;

    @Option(names = "--output-dir", paramLabel = "DIR",
            description = "The sweep's directory (default runs/<sweep file name>); running again with the"
                    + " same one continues the sweep.")
    String outputDir;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "1",
            description = "Runs trained at once (default ${DEFAULT-VALUE}); the CPU threads are split among"
                    + " them: max(1, cores / N) each.")
    int parallel;

    @Option(names = "--set", paramLabel = "KEY=VALUE", converter = SetConverter.class,
            description = "Override one config key in every run, above the sweep file (repeatable),"
                    + " e.g. train.max_steps=20.")
    List<ConfigOverride> sets = new ArrayList<>();

    private final CliEnvironment env;
    private final ConfigLoader loader;
    private final Supplier<SweepRunner> runners;

    /** @param runners makes the runner that trains the runs of one sweep */
    public SweepCommand(CliEnvironment env, ConfigLoader loader, Supplier<SweepRunner> runners) {
        this.env = env;
        this.loader = loader;
        this.runners = runners;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (parallel < 1) {
            throw new ParameterException(spec.commandLine(), "--parallel must be at least 1, got " + parallel);
        }
        for (ConfigOverride s : sets) {
            if (s.keys().get(0).equals("output")) {
                throw new ParameterException(spec.commandLine(), s.origin()
                        + ": the sweep chooses each run's output directory; use --output-dir for the sweep's");
            }
        }
        Path file = env.workDir().resolve(config);
        SweepFile sweep = SweepFile.read(loader, file, config.toString(), env.workDir());
        SweepPlan plan = SweepPlan.expand(sweep, loader, sets);
        String dirDisplay = outputDir != null ? outputDir : "runs/" + stem(file);
        Path dir = env.workDir().resolve(dirDisplay);
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new ConfigException("config error: --output-dir: " + dirDisplay + " exists and is not a directory");
        }
        List<SweepAction> actions = SweepAction.decide(plan, dir, env.workDir());
        SweepExecution.Options options = new SweepExecution.Options(
                config.toString(), parallel, env.signals(), continueCommand(dirDisplay));
        return new SweepExecution(plan, dir, dirDisplay, actions, options, runners.get(),
                spec.commandLine().getOut(), spec.commandLine().getErr()).run();
    }

    private static String stem(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /** The command that continues this sweep: the same options and sweep directory. */
    private String continueCommand(String dirDisplay) {
        List<String> args = new ArrayList<>(List.of("dpo4j", "sweep", "--config", config.toString(),
                "--output-dir", dirDisplay));
        if (parallel > 1) {
            args.add("--parallel");
            args.add(Integer.toString(parallel));
        }
        args.addAll(ConfigOptions.setArguments(sets));
        return ShellWords.join(args);
    }
}
