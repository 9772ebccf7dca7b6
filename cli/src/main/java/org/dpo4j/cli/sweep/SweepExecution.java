package org.dpo4j.cli.sweep;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.dpo4j.cli.rundir.ExitCodes;
import org.dpo4j.cli.rundir.FinalMetrics;
import org.dpo4j.cli.rundir.RunDirectory;
import org.dpo4j.cli.rundir.RunMarker;
import org.dpo4j.cli.rundir.RunReport;
import org.dpo4j.trainer.checkpoint.Folders;

/**
 * One sweep under way: trains the runs of a {@link SweepPlan} that need it into their run
 * directories, one after another or {@code parallel} at once, with the CPU threads split among
 * them; prints a progress line per run; and rewrites {@code summary.md}, {@code summary.csv} and
 * {@code comparison.png} ({@link SweepSummary}, {@link SweepPlot}) after each run. A failed run does
 * not stop the others; a signal stops the runs under way after their step.
 */
public final class SweepExecution {

    /** The folder of the sweep directory with each run's resolved config. */
    public static final String RUN_CONFIGS = "run-configs";

    /**
     * How the sweep was asked for.
     *
     * @param sweepFile       the sweep file as given, for messages
     * @param parallel        runs trained at once
     * @param signals         whether Ctrl-C and SIGTERM stop the runs (else the process's signals are left alone)
     * @param continueCommand the command that continues this sweep, shown when it stops early
     */
    public record Options(String sweepFile, int parallel, boolean signals, String continueCommand) {}

    private final SweepPlan plan;
    private final Path dir;
    private final String dirDisplay;
    private final List<SweepAction> actions;
    private final Options options;
    private final SweepRunner runner;
    private final PrintWriter out;
    private final PrintWriter err;
    private final String[] status;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final int threads;
    private Path plot;
    private String plotProblem;

    /**
     * @param plan       the sweep's runs
     * @param dir        the sweep directory
     * @param dirDisplay the sweep directory as shown in messages
     * @param actions    what each run needs ({@link SweepAction#decide})
     * @param runner     trains one run
     * @param out        progress lines
     * @param err        how to continue a stopped sweep, and signal notices
     */
    public SweepExecution(SweepPlan plan, Path dir, String dirDisplay, List<SweepAction> actions, Options options,
            SweepRunner runner, PrintWriter out, PrintWriter err) {
        this.plan = plan;
        this.dir = dir;
        this.dirDisplay = dirDisplay;
        this.actions = actions;
        this.options = options;
        this.runner = runner;
        this.out = out;
        this.err = err;
        this.threads = Math.max(1, Runtime.getRuntime().availableProcessors() / options.parallel());
        this.status = new String[actions.size()];
        for (int i = 0; i < status.length; i++) {
            status[i] = actions.get(i) == SweepAction.SKIP ? RunMarker.FINISHED : "pending";
        }
    }

    /** The file of {@code run}'s resolved config in the sweep directory. */
    static Path configFile(Path dir, SweepRun run) {
        return dir.resolve(RUN_CONFIGS).resolve(run.name() + ".yaml");
    }

    /**
     * Trains the runs that need it, {@code parallel} at once, keeping the summary up to date.
     *
     * @return the sweep's exit code: {@link ExitCodes#OK}, {@link ExitCodes#RUN_FAILED} when a run
     *     failed, {@link ExitCodes#INTERRUPTED} when it stopped before every run finished
     */
    public int run() throws IOException, InterruptedException {
        Files.createDirectories(dir.resolve(RUN_CONFIGS));
        int n = plan.runs().size();
        long earlier = actions.stream().filter(a -> a == SweepAction.SKIP).count();
        for (int i = 0; i < n; i++) {
            if (actions.get(i) != SweepAction.SKIP) {
                SweepRun run = plan.runs().get(i);
                new RunDirectory(dir.resolve(RUN_CONFIGS), dirDisplay).writeAtomically(
                        run.name() + ".yaml", run.config().yaml());
            }
        }
        say(String.format(Locale.ROOT, "sweep %s: %d run(s) in %s, %d finished earlier; %d at a time, %d CPU thread(s) each",
                options.sweepFile(), n, dirDisplay, earlier, options.parallel(), threads));
        report();
        SweepSignals signals = options.signals() ? SweepSignals.install(name -> {
            stopping.set(true);
            if (name.equals("TERM")) {
                runner.stopAll();
            }
        }, runner::killAll, err) : null;
        ExecutorService pool = Executors.newFixedThreadPool(options.parallel());
        try {
            for (int i = 0; i < n; i++) {
                int index = i;
                if (actions.get(i) == SweepAction.SKIP) {
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
        boolean resume = actions.get(i) == SweepAction.RESUME;
        try {
            if (actions.get(i) == SweepAction.CLEAR) {
                Folders.deleteRecursively(runDir);
            }
            say(progress(i) + ": started" + (resume ? ", resuming from its latest checkpoint" : "")
                    + " (log: " + dirDisplay + "/" + run.name() + "/" + SweepRunner.LOG_FILE + ")");
            long start = System.nanoTime();
            int code = runner.run(new SweepRunner.Task(configFile(dir, run), runDir, resume, threads));
            if (resume && code == ExitCodes.USER_ERROR) {
                // train refused the checkpoint (e.g. the config changed since): start the run over
                say(progress(i) + ": its checkpoint cannot be resumed; training it from the start");
                Folders.deleteRecursively(runDir);
                code = runner.run(new SweepRunner.Task(configFile(dir, run), runDir, false, threads));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (code == ExitCodes.OK) {
                RunMarker.write(runDir, RunMarker.FINISHED, code, seconds);
                setStatus(i, RunMarker.FINISHED);
                say(progress(i) + ": finished in " + String.format(Locale.ROOT, "%.1f s", seconds) + outcome(runDir));
            } else if (code == ExitCodes.INTERRUPTED) {
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
            err.println("dpo4j sweep: stopped; run the same command again to continue: "
                    + options.continueCommand());
            err.flush();
            return ExitCodes.INTERRUPTED;
        }
        return failed > 0 ? ExitCodes.RUN_FAILED : ExitCodes.OK;
    }
}
