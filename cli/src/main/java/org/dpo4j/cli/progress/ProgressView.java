package org.dpo4j.cli.progress;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.dpo4j.trainer.metrics.MetricsRecord;
import org.dpo4j.trainer.run.RunPlan;
import org.dpo4j.trainer.run.TrainingListener;

/**
 * Shows a run's progress: a live bar on a terminal ({@link LiveProgressBar}), otherwise (a pipe,
 * a log file, CI) one plain line per logged step and per evaluation ({@link PlainProgress}).
 * Both start with the same line, naming the model, the steps and the device:
 *
 * <pre>training llama preset tiny for 200 steps on cpu(): 1800 train pairs, 200 held-out pairs, 429,440 parameters</pre>
 */
public final class ProgressView implements TrainingListener, AutoCloseable {

    private final ProgressOutput output;
    private int maxSteps;

    /**
     * @param out      where progress is printed
     * @param live     true for a live bar (stdout is a terminal), false for plain lines
     * @param nanoTime the clock steps/s and tokens/s are measured with
     */
    public ProgressView(PrintWriter out, boolean live, LongSupplier nanoTime) {
        this(live
                ? new LiveProgressBar(out, nanoTime, TerminalWidth.system(), LiveProgressBar.REFRESH_MILLIS)
                : new PlainProgress(out, nanoTime));
    }

    public ProgressView(ProgressOutput output) {
        this.output = output;
    }

    @Override
    public void onWarning(String line) {
        output.println(line);
    }

    @Override
    public void onStart(RunPlan plan) {
        maxSteps = plan.maxSteps();
        output.println(startLine(plan));
        if (plan.data() != null && plan.data().summaryLine() != null) {
            output.println(plan.data().summaryLine());
        }
        output.onStart(plan);
    }

    @Override
    public void onStep(int step) {
        output.onStep(step, StepRates.UNKNOWN_TOKENS);
    }

    @Override
    public void onStep(int step, long tokens) {
        output.onStep(step, tokens);
    }

    @Override
    public void onLog(MetricsRecord record) {
        output.onLog(record);
    }

    @Override
    public void onEval(MetricsRecord record) {
        output.onEval(record);
    }

    /** One line per checkpoint, e.g. {@code checkpoint at step 50/200: checkpoints/step-50}. */
    @Override
    public void onCheckpoint(int step, Path folder) {
        output.println("checkpoint at step " + step + "/" + maxSteps + ": "
                + folder.getParent().getFileName() + "/" + folder.getFileName());
    }

    /** Ends the bar line, if one is shown. */
    @Override
    public void close() {
        output.close();
    }

    static String startLine(RunPlan plan) {
        return String.format(Locale.ROOT, "training %s for %d steps on %s: %d train pairs, %d held-out pairs, %,d parameters",
                plan.model(), plan.maxSteps(), plan.device(), plan.trainPairs(), plan.evalPairs(), plan.parameterCount());
    }
}
