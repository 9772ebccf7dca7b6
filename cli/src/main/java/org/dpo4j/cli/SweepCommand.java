package org.dpo4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.dpo4j.trainer.ResumePoint;
import org.dpo4j.trainer.UserInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code dpo4j sweep}: trains every run of a sweep file ({@link SweepFile}) one after another, or
 * {@code --parallel N} at once, each into {@code SWEEP_DIR/RUN_NAME} ({@link RunNames}), and keeps
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
final class SweepCommand implements Callable<Integer> {

    static final String RUN_CONFIGS = "run-configs";

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

    @Option(names = "--set", paramLabel = "KEY=VALUE", converter = TrainCommand.SetConverter.class,
            description = "Override one config key in every run, above the sweep file (repeatable),"
                    + " e.g. train.max_steps=20.")
    List<ConfigOverride> sets = new ArrayList<>();

    private final CliEnvironment env;
    private final ConfigLoader loader;

    /** What a run of the plan needs. */
    private enum Action { SKIP, FRESH, RESUME, CLEAR }

    SweepCommand(CliEnvironment env, ConfigLoader loader) {
        this.env = env;
        this.loader = loader;
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
        List<Action> actions = decide(plan, dir);
        return new Execution(plan, dir, dirDisplay, actions).run();
    }

    /** What each run needs; throws before anything is written when a finished run's config changed. */
    private List<Action> decide(SweepPlan plan, Path dir) throws IOException {
        List<Action> actions = new ArrayList<>();
        for (SweepRun run : plan.runs()) {
            Path runDir = dir.resolve(run.name());
            Path saved = configFile(dir, run);
            boolean same = Files.isRegularFile(saved) && Files.readString(saved).equals(run.config().yaml());
            String status = RunMarker.status(runDir);
            if (RunMarker.FINISHED.equals(status)) {
                if (!same) {
                    throw new ConfigException("config error: " + shown(runDir) + " finished with another config than"
                            + " the sweep now gives it (" + shown(saved) + "); remove the run to train it again, or"
                            + " choose another --output-dir");
                }
                actions.add(Action.SKIP);
            } else if (!Files.exists(runDir)) {
                actions.add(Action.FRESH);
            } else {
                // an interrupted run (no marker) continues from its checkpoint; train checks that the
                // config allows it, and a refusal starts the run over
                actions.add(status == null && hasCheckpoint(runDir) ? Action.RESUME : Action.CLEAR);
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

    private static Path configFile(Path dir, SweepRun run) {
        return dir.resolve(RUN_CONFIGS).resolve(run.name() + ".yaml");
    }

    private String shown(Path path) {
        return SweepFile.shown(path, env.workDir());
    }

    private static String stem(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /** One sweep under way: its runs' statuses, progress lines and summary. */
    private final class Execution {
        private final SweepPlan plan;
        private final Path dir;
        private final String dirDisplay;
        private final List<Action> actions;
        private final String[] status;
        private final PrintWriter out = spec.commandLine().getOut();
        private final AtomicBoolean stopping = new AtomicBoolean();
        private final SweepRunner runner = SweepRunner.forEnvironment(env);
        private final int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / parallel);
        private Path plot;
        private String plotProblem;

        Execution(SweepPlan plan, Path dir, String dirDisplay, List<Action> actions) {
            this.plan = plan;
            this.dir = dir;
            this.dirDisplay = dirDisplay;
            this.actions = actions;
            this.status = new String[actions.size()];
            for (int i = 0; i < status.length; i++) {
                status[i] = actions.get(i) == Action.SKIP ? RunMarker.FINISHED : "pending";
            }
        }

        int run() throws IOException, InterruptedException {
            Files.createDirectories(dir.resolve(RUN_CONFIGS));
            int n = plan.runs().size();
            long earlier = actions.stream().filter(a -> a == Action.SKIP).count();
            for (int i = 0; i < n; i++) {
                if (actions.get(i) != Action.SKIP) {
                    SweepRun run = plan.runs().get(i);
                    new RunDirectory(dir.resolve(RUN_CONFIGS), dirDisplay).writeAtomically(
                            run.name() + ".yaml", run.config().yaml());
                }
            }
            say(String.format(Locale.ROOT, "sweep %s: %d run(s) in %s, %d finished earlier; %d at a time, %d CPU thread(s) each",
                    config, n, dirDisplay, earlier, parallel, threads));
            report();
            SweepSignals signals = env.signals() ? SweepSignals.install(name -> {
                stopping.set(true);
                if (name.equals("TERM")) {
                    runner.stopAll();
                }
            }, runner::killAll, spec.commandLine().getErr()) : null;
            ExecutorService pool = Executors.newFixedThreadPool(parallel);
            try {
                for (int i = 0; i < n; i++) {
                    int index = i;
                    if (actions.get(i) == Action.SKIP) {
                        say(progress(i) + ": finished earlier");
                    } else {
                        pool.submit(() -> train(index));
                    }
                }
                pool.shutdown();
                while (!pool.awaitTermination(1, TimeUnit.MINUTES)) {
                    // runs may take hours
                }
            } finally {
                pool.shutdownNow();
                if (signals != null) {
                    signals.close();
                }
            }
            report();
            return finish();
        }

        private void train(int i) {
            SweepRun run = plan.runs().get(i);
            if (stopping.get()) {
                return; // stays pending: the next sweep of this directory trains it
            }
            Path runDir = dir.resolve(run.name());
            boolean resume = actions.get(i) == Action.RESUME;
            try {
                if (actions.get(i) == Action.CLEAR) {
                    deleteTree(runDir);
                }
                say(progress(i) + ": started" + (resume ? ", resuming from its latest checkpoint" : "")
                        + " (log: " + dirDisplay + "/" + run.name() + "/" + SweepRunner.LOG_FILE + ")");
                long start = System.nanoTime();
                int code = runner.run(new SweepRunner.Task(configFile(dir, run), runDir, resume, threads));
                if (resume && code == Cli.USER_ERROR) {
                    // train refused the checkpoint (e.g. the config changed since): start the run over
                    say(progress(i) + ": its checkpoint cannot be resumed; training it from the start");
                    deleteTree(runDir);
                    code = runner.run(new SweepRunner.Task(configFile(dir, run), runDir, false, threads));
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                if (code == Cli.OK) {
                    RunMarker.write(runDir, RunMarker.FINISHED, code, seconds);
                    setStatus(i, RunMarker.FINISHED);
                    say(progress(i) + ": finished in " + String.format(Locale.ROOT, "%.1f s", seconds) + outcome(runDir));
                } else if (code == Cli.INTERRUPTED) {
                    stopping.set(true);
                    setStatus(i, "interrupted");
                    say(progress(i) + ": interrupted; running the sweep again resumes it from its checkpoint");
                } else {
                    RunMarker.write(runDir, RunMarker.FAILED, code, seconds);
                    setStatus(i, "failed (exit " + code + ")");
                    say(progress(i) + ": failed with exit code " + code + "; see " + dirDisplay + "/" + run.name()
                            + "/" + SweepRunner.LOG_FILE);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                setStatus(i, "interrupted");
            } catch (IOException | RuntimeException e) {
                setStatus(i, "failed (" + e.getClass().getSimpleName() + ")");
                say(progress(i) + ": failed: " + e);
            }
            try {
                report();
            } catch (IOException e) {
                say("summary not written: " + e);
            }
        }

        private String progress(int i) {
            return "[" + (i + 1) + "/" + plan.runs().size() + "] " + plan.runs().get(i).name();
        }

        private String outcome(Path runDir) {
            FinalMetrics m = FinalMetrics.read(runDir);
            List<String> parts = new ArrayList<>();
            for (String metric : FinalMetrics.EVAL) {
                Double v = m.get(metric);
                if (v != null) {
                    parts.add(metric + " " + RunReport.format(v));
                }
            }
            return parts.isEmpty() ? "" : ": " + String.join(", ", parts);
        }

        private synchronized void setStatus(int i, String s) {
            status[i] = s;
        }

        private synchronized void say(String line) {
            out.println(line);
            out.flush();
        }

        /** Rewrites the summary and the comparison plot from what the run directories hold now. */
        private synchronized void report() throws IOException {
            List<SweepSummary.Row> rows = new ArrayList<>();
            Map<String, Path> dirs = new LinkedHashMap<>();
            for (int i = 0; i < plan.runs().size(); i++) {
                SweepRun run = plan.runs().get(i);
                Path runDir = dir.resolve(run.name());
                List<String> keys = plan.columns().stream().map(c -> SweepPlan.valueAt(run.config(), c)).toList();
                rows.add(new SweepSummary.Row(run.name(), status[i], keys, FinalMetrics.read(runDir)));
                dirs.put(run.name(), runDir);
            }
            SweepSummary.write(dir, plan.columns(), rows);
            try {
                plot = SweepPlot.write(dir, dirs);
                plotProblem = null;
            } catch (IOException | RuntimeException | LinkageError | java.awt.AWTError e) {
                plotProblem = e.toString(); // a chart never fails the sweep
            }
        }

        private int finish() {
            long finished = Stream.of(status).filter(RunMarker.FINISHED::equals).count();
            long failed = Stream.of(status).filter(s -> s.startsWith("failed")).count();
            long open = status.length - finished - failed;
            say("");
            say(String.format(Locale.ROOT, "sweep: %d finished, %d failed, %d not finished", finished, failed, open));
            say("summary: " + dirDisplay + "/" + SweepSummary.MARKDOWN + ", " + dirDisplay + "/" + SweepSummary.CSV);
            if (plot != null) {
                say("comparison plot: " + dirDisplay + "/" + SweepPlot.FILE);
            } else if (plotProblem != null) {
                say("comparison plot: not written (" + plotProblem + ")");
            }
            if (stopping.get() || open > 0) {
                spec.commandLine().getErr().println("dpo4j sweep: stopped; run the same command again to continue: "
                        + continueCommand());
                spec.commandLine().getErr().flush();
                return Cli.INTERRUPTED;
            }
            return failed > 0 ? Cli.RUN_FAILED : Cli.OK;
        }

        private String continueCommand() {
            List<String> args = new ArrayList<>(List.of("dpo4j", "sweep", "--config", config.toString(),
                    "--output-dir", dirDisplay));
            if (parallel > 1) {
                args.add("--parallel");
                args.add(Integer.toString(parallel));
            }
            for (ConfigOverride s : sets) {
                args.add("--set");
                args.add(s.origin().substring("--set ".length()));
            }
            return String.join(" ", args.stream().map(TrainCommand::shellWord).toList());
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
